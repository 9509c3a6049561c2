"""Vietnamese mobile numbers: accepted as 0xxxxxxxxx or +84xxxxxxxxx, stored as +84xxxxxxxxx."""
from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile networks use the prefixes 03, 05, 07, 08 and 09 followed by 8 digits.
_NATIONAL = re.compile(r"0([35789]\d{8})")


def normalize_mobile(raw: str) -> str | None:
    """The number in +84 form, or None when it is not a Vietnamese mobile number."""
    compact = _SEPARATORS.sub("", raw or "")
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    match = _NATIONAL.fullmatch(compact)
    return "+84" + match.group(1) if match else None


def display_mobile(normalized: str) -> str:
    """+84912345678 -> 0912 345 678, the way people write it."""
    national = "0" + normalized[3:]
    return f"{national[:4]} {national[4:7]} {national[7:]}"
