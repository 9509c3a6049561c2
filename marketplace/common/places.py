"""Vietnam's administrative units since July 2025 (34 provinces, communes and wards)."""
from __future__ import annotations

from functools import cache, lru_cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from .folding import fold


# Bounded: codes come from forms and URLs, and an unbounded cache would keep every number sent.
@lru_cache(maxsize=64)
def province_name(code: int) -> str:
    try:
        return Province.from_code(ProvinceCode(code)).name
    except ValueError:
        return ""


@lru_cache(maxsize=4096)
def ward_name(code: int) -> str:
    try:
        return Ward.from_code(WardCode(code)).name
    except ValueError:
        return ""


def ward_in_province(ward_code: int, province_code: int) -> bool:
    try:
        return Ward.from_code(WardCode(ward_code)).province_code == province_code
    except ValueError:
        return False


@cache
def province_choices() -> list[tuple[int, str]]:
    return sorted(((int(p.code), p.name) for p in Province.iter_all()), key=lambda choice: fold(choice[1]))


@lru_cache(maxsize=64)
def ward_choices(province_code: int) -> list[tuple[int, str]]:
    try:
        wards = Ward.iter_by_province(ProvinceCode(province_code))
    except ValueError:
        return []
    return sorted(((int(w.code), w.name) for w in wards), key=lambda choice: fold(choice[1]))
