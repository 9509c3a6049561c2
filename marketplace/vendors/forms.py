"""Forms of the cooperative application and of the admins' decisions on it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError

from ..accounts.forms import REQUIRED
from ..common.banks import BANKS
from ..common.phone import normalize_mobile
from ..common.taxcode import is_valid_tax_code
from ..common.vntime import vietnam_today
from ..place_fields import check_province, check_ward, fill_place_choices, province_field, ward_field
from .models import DocumentKind

FIRST_FOUNDING_YEAR = 1945
# Fields a submitted application must have; a draft may leave them empty.
REQUIRED_TO_SUBMIT = (
    "legal_name", "display_name", "tax_code", "registration_number", "registration_date",
    "registration_authority", "province_code", "ward_code", "street_address", "representative_name",
    "representative_title", "phone", "email", "bank_bin", "bank_account_number", "bank_account_holder",
    "founded_year", "member_count", "main_products", "description",
)


def stripped(value):
    """A filter for text fields: without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


# Field rules the cooperative forms share (application, settings): each checks a value that is there.

def founding_year(form, field) -> None:
    if field.data is not None and not FIRST_FOUNDING_YEAR <= field.data <= vietnam_today().year:
        raise ValidationError(_l("Enter a year between %(first)d and this year.", first=FIRST_FOUNDING_YEAR))


def mobile_number(form, field) -> None:
    """A Vietnamese mobile number, stored normalized (+84…)."""
    if field.data:
        normalized = normalize_mobile(field.data)
        if normalized is None:
            raise ValidationError(_l("Enter a Vietnamese mobile number: 10 digits starting with 0, or +84."))
        field.data = normalized


def bank_in_list(form, field) -> None:
    if field.data and field.data not in BANKS:
        raise ValidationError(_l("Choose a bank from the list."))


def account_number_digits(form, field) -> None:
    if field.data and not (field.data.isascii() and field.data.isdigit() and 6 <= len(field.data) <= 19):
        raise ValidationError(_l("An account number has 6 to 19 digits, and digits only."))


def _text(label, max_length: int, validators=(), **kwargs) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=max_length), *validators], filters=[stripped],
                       **kwargs)


class ApplicationForm(FlaskForm):
    legal_name = _text(_l("Legal name"), 255, description=_l("As on the registration certificate."))
    display_name = _text(_l("Short name shown to buyers"), 120, description=_l("For example: HTX Na Chi Lăng."))
    tax_code = _text(_l("Tax code (MST)"), 14, description=_l("10 digits, or 10 digits, a dash and 3 digits for a branch."),
                     render_kw={"inputmode": "numeric"})
    registration_number = _text(_l("Registration certificate number"), 40)
    registration_date = DateField(_l("Date of issue"), validators=[Optional()])
    registration_authority = _text(_l("Issued by"), 200)
    province_code = province_field()
    ward_code = ward_field()
    street_address = _text(_l("Street address"), 255)
    representative_name = _text(_l("Legal representative"), 120)
    representative_title = _text(_l("Representative's title"), 120, description=_l("For example: Giám đốc."))
    phone = _text(_l("Phone"), 20, validators=[mobile_number], render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254), Email(
        message=_l("Enter a valid email address, for example ten@example.com."))], filters=[stripped])
    bank_bin = SelectField(_l("Bank"), choices=[("", "—")] + list(BANKS.items()), validate_choice=False,
                           validators=[bank_in_list])
    bank_account_number = _text(_l("Account number"), 19, validators=[account_number_digits],
                                render_kw={"inputmode": "numeric"})
    bank_account_holder = _text(_l("Account holder"), 120, description=_l("The cooperative's name as the bank has it."))
    founded_year = IntegerField(_l("Founding year"), validators=[Optional(), founding_year])
    member_count = IntegerField(_l("Number of members"), validators=[Optional(), NumberRange(
        min=1, max=100_000, message=_l("Enter a number of members from 1."))])
    main_products = _text(_l("Main products"), 300)
    description = TextAreaField(_l("Story"), validators=[Optional(), Length(max=5000)], filters=[stripped])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fill_place_choices(self.province_code, self.ward_code, fresh_form=not self.is_submitted())

    def validate_tax_code(self, field) -> None:
        if field.data and not is_valid_tax_code(field.data):
            raise ValidationError(_l("This is not a valid tax code: check its 10 digits (and the 3-digit branch)."))

    def validate_registration_date(self, field) -> None:
        if field.data and field.data > vietnam_today():
            raise ValidationError(_l("The date of issue cannot be in the future."))

    def validate_province_code(self, field) -> None:
        check_province(field)

    def validate_ward_code(self, field) -> None:
        check_ward(field, self.province_code.data)

    def validate_for_submission(self) -> bool:
        """Validate, and also require every field: what submitting asks beyond saving a draft."""
        valid = self.validate()
        for name in REQUIRED_TO_SUBMIT:
            field = self[name]
            if field.data in (None, "") and not field.errors:
                field.errors = [*field.errors, REQUIRED]
                valid = False
        return valid

    def values(self) -> dict:
        return {name: self[name].data for name in REQUIRED_TO_SUBMIT}


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Document"), choices=[
        (DocumentKind.REGISTRATION.value, _l("Registration certificate")),
        (DocumentKind.CERTIFICATION.value, _l("Certification (OCOP, VietGAP, organic)")),
        (DocumentKind.OTHER.value, _l("Other document")),
    ])
    file = FileField(_l("File (PDF, JPEG or PNG, at most 5 MB)"), validators=[FileRequired(
        message=_l("Choose a file to upload."))])


class ReasonForm(FlaskForm):
    """Reject, request changes, suspend or reinstate: each needs a reason the applicant will read."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=REQUIRED), Length(max=2000)],
                           filters=[stripped])


class ApproveForm(FlaskForm):
    slug = StringField(_l("Address of the cooperative's page"), validators=[
        DataRequired(message=REQUIRED), Length(max=80),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and dashes."))],
        filters=[stripped])


class InviteForm(FlaskForm):
    email = EmailField(_l("Email of the person to invite"), validators=[
        DataRequired(message=REQUIRED), Length(max=254),
        Email(message=_l("Enter a valid email address, for example ten@example.com."))], filters=[stripped])


class TransferOwnershipForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired(message=REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
