"""Enterprise tax codes (mã số thuế, MST): 10 digits with a check digit, optionally -NNN for a branch."""
from __future__ import annotations

import re

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_FORMAT = re.compile(r"(\d{10})(?:-(\d{3}))?")


def check_digit(first_nine: str) -> int | None:
    """The 10th digit for these nine digits, or None when no digit can make them valid."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check


def is_valid_tax_code(code: str) -> bool:
    match = _FORMAT.fullmatch(code or "")
    if not match:
        return False
    digits = match.group(1)
    return check_digit(digits[:9]) == int(digits[9])
