"""The province and commune/ward selects of the forms that take an address (the checkout, a
cooperative's application): their choices, the province a fresh form starts with, and the
checks that the ward belongs to the chosen province."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, ValidationError

from .common.places import province_choices, ward_choices, ward_in_province

DEFAULT_PROVINCE = 20  # Lạng Sơn, where the marketplace starts
NONE_CHOSEN = ("", "—")


def place_code(value) -> int | None:
    """A province or ward code from the form, None when there is none (or it is not a number)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() else None


def province_field(**kwargs) -> SelectField:
    return SelectField(_l("Province"), coerce=place_code, validate_choice=False, **kwargs)


def ward_field(**kwargs) -> SelectField:
    return SelectField(_l("Commune or ward"), coerce=place_code, validate_choice=False, **kwargs)


def fill_place_choices(province: SelectField, ward: SelectField, fresh_form: bool) -> None:
    """The provinces, and the wards of the chosen province; a fresh form starts in Lạng Sơn."""
    if province.data is None and fresh_form:
        province.data = DEFAULT_PROVINCE
    provinces = province_choices()
    province.choices = [NONE_CHOSEN, *provinces]
    ward.choices = [NONE_CHOSEN, *ward_choices(province.data if province.data in dict(provinces) else 0)]


def check_province(province: SelectField) -> None:
    if province.data is not None and province.data not in dict(province_choices()):
        raise ValidationError(_l("Choose a province from the list."))


def check_ward(ward: SelectField, province_code: int | None) -> None:
    if ward.data is not None and not ward_in_province(ward.data, province_code or 0):
        raise ValidationError(_l("Choose a commune or ward of the chosen province."))
