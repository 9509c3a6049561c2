"""Reading the product-list parameters of a query string into a ProductQuery. Pure.

`args` is any mapping with `getlist(name)` (werkzeug's MultiDict). Empty values count as
absent, as browsers send empty form fields. Bad values raise InvalidParameter naming the
parameter and a reason code that the caller words in the user's language.
"""
from __future__ import annotations

import enum
import re

from ..common.places import province_name
from ..common.querystring import MAX_PAGE
from .listing import MAX_PER_PAGE, PER_PAGE, ProductQuery, Sort
from .models import CertificationKind

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")
MAX_PRICE = 10**12
MAX_QUERY_LENGTH = 1000


class Reason(enum.StrEnum):
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_VALUE = "unknown_value"
    MIN_ABOVE_MAX = "min_above_max"


class InvalidParameter(ValueError):
    def __init__(self, name: str, reason: Reason):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def _values(args, name: str) -> list[str]:
    return [value.strip() for value in args.getlist(name) if value and value.strip()]


def _one(args, name: str) -> str | None:
    values = _values(args, name)
    return values[-1] if values else None


def _integer(args, name: str, low: int, high: int) -> int | None:
    raw = _one(args, name)
    if raw is None:
        return None
    if not re.fullmatch(r"\d{1,15}", raw.replace(".", "")):
        raise InvalidParameter(name, Reason.NOT_A_NUMBER)
    value = int(raw.replace(".", ""))  # "85.000" is how Vietnamese write 85000
    if not low <= value <= high:
        raise InvalidParameter(name, Reason.OUT_OF_RANGE)
    return value


def _choice(args, name: str, choices: type[enum.StrEnum]) -> list:
    try:
        return [choices(value) for value in _values(args, name)]
    except ValueError:
        raise InvalidParameter(name, Reason.UNKNOWN_VALUE) from None


def _slug(args, name: str) -> str | None:
    value = _one(args, name)
    if value is not None and not _SLUG.fullmatch(value):
        raise InvalidParameter(name, Reason.UNKNOWN_VALUE)
    return value


def parse_province(args) -> int | None:
    province = _integer(args, "province", 1, 99)
    if province is not None and not province_name(province):
        raise InvalidParameter("province", Reason.UNKNOWN_VALUE)
    return province


def parse_product_query(args, *, allow_per_page: bool = False) -> ProductQuery:
    province = parse_province(args)
    min_price = _integer(args, "min_price", 0, MAX_PRICE)
    max_price = _integer(args, "max_price", 0, MAX_PRICE)
    if min_price is not None and max_price is not None and min_price > max_price:
        raise InvalidParameter("max_price", Reason.MIN_ABOVE_MAX)
    in_stock = _one(args, "in_stock")
    if in_stock not in (None, "0", "1", "true", "false", "on"):
        raise InvalidParameter("in_stock", Reason.UNKNOWN_VALUE)
    sort = _choice(args, "sort", Sort)
    per_page = _integer(args, "per_page", 1, MAX_PER_PAGE) if allow_per_page else None
    return ProductQuery(
        q=(_one(args, "q") or "")[:MAX_QUERY_LENGTH],
        category=_slug(args, "category"),
        coop=_slug(args, "coop"),
        province=province,
        certs=tuple(dict.fromkeys(_choice(args, "cert", CertificationKind))),
        min_price=min_price,
        max_price=max_price,
        in_stock=in_stock in ("1", "true", "on"),
        sort=sort[-1] if sort else Sort.RELEVANCE,
        page=_integer(args, "page", 1, MAX_PAGE) or 1,
        per_page=per_page or PER_PAGE,
    )
