"""Vietnam's administrative units since July 2025 (34 provinces, communes and wards)."""
from __future__ import annotations

from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode


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
