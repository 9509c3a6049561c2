"""How a bad product-list parameter is explained to people, in their language (pages and API)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .listing import UnknownFilterValue
from .params import InvalidParameter, Reason

PARAMETER_NAMES = {
    "q": _l("search"),
    "category": _l("category"),
    "coop": _l("cooperative"),
    "province": _l("province"),
    "cert": _l("certification"),
    "min_price": _l("lowest price"),
    "max_price": _l("highest price"),
    "in_stock": _l("in stock"),
    "sort": _l("sort order"),
    "page": _l("page"),
    "per_page": _l("products per page"),
}
REASONS = {
    Reason.NOT_A_NUMBER: _l("The %(name)s must be a whole number, like 85000."),
    Reason.OUT_OF_RANGE: _l("The %(name)s is out of range."),
    Reason.UNKNOWN_VALUE: _l("There is no such %(name)s."),
    Reason.MIN_ABOVE_MAX: _l("The highest price must not be below the lowest price."),
}


def filter_error_message(error: InvalidParameter | UnknownFilterValue) -> str:
    if isinstance(error, UnknownFilterValue):
        return str(REASONS[Reason.UNKNOWN_VALUE]) % {"name": PARAMETER_NAMES[error.field]}
    return str(REASONS[error.reason]) % {"name": PARAMETER_NAMES.get(error.name, error.name)}
