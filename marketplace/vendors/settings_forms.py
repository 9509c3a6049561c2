"""Forms of a cooperative's settings (profile, shipping, bank account) and of the admins' check
of a bank account change."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)
from wtforms.widgets import TextInput

from ..common.banks import BANKS
from . import images
from .forms import REQUIRED, account_number_digits, bank_in_list, founding_year, mobile_number, stripped
from .settings import PROFILE_FIELDS, SHIPPING_FIELDS, BankAccount

MAX_FEE = 5_000_000
MAX_THRESHOLD = 100_000_000
# 30000, or grouped by thousands: 30.000, 30,000, 30 000 (a sign only so that -5000 gets the range message)
_AMOUNT = re.compile(r"-?(?:\d{1,12}|\d{1,3}(?:([., ])\d{3})(?:\1\d{3}){0,3})")
TOO_LONG = _l("At most %(max)d characters.")
FEE_RANGE = _l("Enter an amount from 0 to %(max)d đồng.")


def _without_spaces(value):
    return re.sub(r"\s", "", value) if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """An integer whose unreadable input gets one message, not also the range's."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", _l("Enter a whole number, digits only."))
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()


class AmountField(WholeNumberField):
    """An amount of đồng, typed with or without thousands separators."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", _l("Enter an amount in đồng, digits only, for example 30000."))
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
        elif _AMOUNT.fullmatch(text):
            self.data = int(re.sub(r"[., ]", "", text))
        else:
            self.data = None
            raise ValueError(self.invalid_value_message)


def _amount(label, maximum: int, required: bool, **kwargs) -> AmountField:
    presence = InputRequired(message=REQUIRED) if required else Optional()
    return AmountField(label, validators=[presence, NumberRange(min=0, max=maximum, message=FEE_RANGE)], **kwargs)


class ProfileForm(FlaskForm):
    description = TextAreaField(_l("Story"), validators=[Optional(), Length(max=5000, message=TOO_LONG)],
                                filters=[stripped],
                                description=_l("Who you are, where and how you grow: buyers read it on your page."))
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20, message=TOO_LONG), mobile_number],
                                filters=[stripped], render_kw={"inputmode": "tel", "autocomplete": "tel"})
    contact_email = EmailField(_l("Email"), validators=[Optional(), Length(max=254, message=TOO_LONG), Email(
        message=_l("Enter a valid email address, for example ten@example.com."))], filters=[stripped])
    founded_year = WholeNumberField(_l("Founding year"), validators=[Optional(), founding_year])
    member_count = WholeNumberField(_l("Number of members"), validators=[Optional(), NumberRange(
        min=1, max=100_000, message=_l("Enter a number of members from 1."))])
    logo = FileField(_l("Logo (JPEG, PNG or WebP, at most 8 MB)"),
                     render_kw={"accept": "image/jpeg,image/png,image/webp"})
    remove_logo = BooleanField(_l("Remove the logo"))
    cover = FileField(_l("Cover image (JPEG, PNG or WebP, at most 8 MB)"),
                      description=_l("A wide photo of your fields, orchard or workshop."),
                      render_kw={"accept": "image/jpeg,image/png,image/webp"})
    remove_cover = BooleanField(_l("Remove the cover image"))

    def values(self) -> dict:
        values = {name: self[name].data for name in PROFILE_FIELDS}
        return {name: "" if value is None and name not in ("founded_year", "member_count") else value
                for name, value in values.items()}

    def uploads(self) -> dict[str, bytes]:
        """{kind: the first bytes of the file} for each image chosen; one byte more than allowed
        is enough to tell that a file is too large."""
        chosen = {images.LOGO: self.logo.data, images.COVER: self.cover.data}
        return {kind: upload.read(images.MAX_IMAGE_BYTES + 1) for kind, upload in chosen.items()
                if upload and upload.filename}

    def removals(self) -> set[str]:
        return {kind for kind, box in ((images.LOGO, self.remove_logo), (images.COVER, self.remove_cover))
                if box.data}


class ShippingForm(FlaskForm):
    shipping_flat_fee = _amount(_l("Fee per parcel"), MAX_FEE, True,
                                description=_l("In đồng, for example 20000. Enter 0 for none."))
    shipping_fee_per_kg = _amount(_l("Fee per started kilogram"), MAX_FEE, True,
                                  description=_l("A parcel of 1.2 kg counts as 2 kg. Enter 0 for none."))
    free_shipping_threshold = _amount(_l("Free shipping from an order of"), MAX_THRESHOLD, False,
                                      description=_l("In đồng. Leave empty for no free shipping."))
    in_province_flat_fee = _amount(_l("Fee per parcel within your province"), MAX_FEE, False,
                                   description=_l("Leave empty to charge the same as elsewhere."))
    in_province_fee_per_kg = _amount(_l("Fee per started kilogram within your province"), MAX_FEE, False,
                                     description=_l("Leave empty to charge the same as elsewhere."))

    def values(self) -> dict:
        return {name: self[name].data for name in SHIPPING_FIELDS}


class BankAccountForm(FlaskForm):
    bank_bin = SelectField(_l("Bank"), choices=[("", "—")] + list(BANKS.items()), validate_choice=False,
                           validators=[DataRequired(message=REQUIRED), bank_in_list])
    bank_account_number = StringField(_l("Account number"), validators=[DataRequired(message=REQUIRED),
                                                                        account_number_digits],
                                      filters=[_without_spaces], render_kw={"inputmode": "numeric"})
    bank_account_holder = StringField(
        _l("Account holder"), validators=[DataRequired(message=REQUIRED), Length(max=120, message=TOO_LONG)],
        filters=[stripped], description=_l("The cooperative's name as the bank has it."))

    def account(self) -> BankAccount:
        return BankAccount(self.bank_bin.data, self.bank_account_number.data, self.bank_account_holder.data)


class PendingBankForm(FlaskForm):
    """Verify the pending account: it carries the account the admin saw, which must still be the one pending."""

    bank_bin = HiddenField()
    account_number = HiddenField()
    holder = HiddenField()

    def seen(self) -> BankAccount:
        return BankAccount(self.bank_bin.data or "", self.account_number.data or "", self.holder.data or "")


class BankRejectForm(PendingBankForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=REQUIRED), Length(max=2000)],
                           filters=[stripped], description=_l("The owner reads it in the audit log."))
