"""Password strength rules, pure: they return a reason code, the form turns it into words."""
from __future__ import annotations

import enum

MIN_LENGTH = 8
MAX_LENGTH = 128

# The most used passwords in leaked lists, plus local favourites; lower-cased.
_COMMON = frozenset(
    """
    password password1 password123 passw0rd 12345678 123456789 1234567890 11111111
    00000000 88888888 66666666 qwerty123 qwertyuiop abc12345 abcd1234 iloveyou
    matkhau matkhau123 anhyeuem emyeuanh yeuem123 vietnam vietnam123 admin123
    letmein1 welcome1 sunshine princess football baseball dragon123 monkey123
    """.split()
)


class Weakness(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_COMMON = "too_common"
    ONE_KIND = "one_kind"
    PERSONAL = "personal"


def password_weakness(password: str, personal: tuple[str, ...] = ()) -> Weakness | None:
    """Why this password is too weak to accept, or None when it is acceptable.

    `personal` holds the user's own data (email, phone): a password containing it is weak.
    """
    if len(password) < MIN_LENGTH:
        return Weakness.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return Weakness.TOO_LONG
    lowered = password.lower()
    if lowered in _COMMON:
        return Weakness.TOO_COMMON
    if password.isdigit() or len(set(password)) < 4 or (password.isalpha() and len(password) < 12):
        return Weakness.ONE_KIND
    for item in personal:
        item = item.lower().split("@")[0].removeprefix("+84")
        if len(item) >= 4 and item in lowered:
            return Weakness.PERSONAL
    return None
