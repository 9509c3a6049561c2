"""Vietnam's administrative units since July 2025 (34 provinces, communes and wards)."""
from __future__ import annotations

from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from .folding import fold


@cache
def province_name(code: int) -> str:
    try:
        return Province.from_code(ProvinceCode(code)).name
    except ValueError:
        return ""


@cache
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


@cache
def ward_choices(province_code: int) -> list[tuple[int, str]]:
    try:
        wards = Ward.iter_by_province(ProvinceCode(province_code))
    except ValueError:
        return []
    return sorted(((int(w.code), w.name) for w in wards), key=lambda choice: fold(choice[1]))
