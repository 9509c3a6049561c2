"""Language choice and locale-aware formatting of money and dates (Babel, not hand-rolled)."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import numbers
from babel.dates import get_month_names
from flask import current_app, request
from flask_babel import format_date, format_datetime, get_locale

from .api import is_api_request

LOCALE_COOKIE = "lang"

# dd/mm/yyyy is how dates are written in Vietnam; English readers get an unambiguous month.
DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
DATETIME_PATTERNS = {"vi": "HH:mm dd/MM/yyyy", "en": "d MMM yyyy, HH:mm"}


def select_locale() -> str:
    """The language from the visitor's cookie (API clients: Accept-Language); Vietnamese otherwise.

    Pages ignore Accept-Language on purpose: many phones here are set to English while their
    owners read Vietnamese, so the storefront starts in Vietnamese until someone switches.
    """
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LOCALE_COOKIE) if request else None
    if chosen in languages:
        return chosen
    if request and is_api_request(request.path):
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "vi")


def vnd(amount: int) -> str:
    """An amount of đồng: '1.250.000 ₫' in Vietnamese, '₫1,250,000' in English."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"money must be an integer number of đồng, not {type(amount).__name__}")
    return _formatted_vnd(amount, current_language())


@lru_cache(maxsize=8192)
def _formatted_vnd(amount: int, locale: str) -> str:
    # Prices repeat across pages; Babel's formatting is the costliest part of a product card.
    return numbers.format_currency(amount, "VND", locale=locale)


def local_date(value: date | datetime) -> str:
    """A date (or the Vietnam-time date of a UTC datetime) as dd/mm/yyyy in Vietnamese."""
    return format_date(value, DATE_PATTERNS.get(current_language(), "medium"))


def local_datetime(value: datetime) -> str:
    """A UTC datetime shown in Vietnam time."""
    return format_datetime(value, DATETIME_PATTERNS.get(current_language(), "medium"))


def month_name(month: int) -> str:
    """'tháng 7' in Vietnamese, 'July' in English."""
    return get_month_names("wide", locale=current_language())[month]


def register_template_helpers(app) -> None:
    from .common.banks import bank_name
    from .vendors import images
    from .common.phone import display_mobile
    from .common.places import province_name, ward_name
    from .labels import label

    app.add_template_filter(vnd, "vnd")
    app.add_template_filter(display_mobile, "mobile")
    app.add_template_global(label)
    app.add_template_global(ward_name)
    app.add_template_global(province_name)
    app.add_template_global(bank_name)
    app.add_template_global(images.WIDTHS, "image_widths")
    app.add_template_filter(local_date, "date")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_filter(month_name, "month_name")
    app.add_template_global(current_language)
