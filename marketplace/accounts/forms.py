from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..common.phone import normalize_mobile
from .passwords import MAX_LENGTH, MIN_LENGTH, Weakness, password_weakness

WEAKNESS_MESSAGES = {
    Weakness.TOO_SHORT: _l("Use at least %(n)d characters.", n=MIN_LENGTH),
    Weakness.TOO_LONG: _l("Use at most %(n)d characters.", n=MAX_LENGTH),
    Weakness.TOO_COMMON: _l("This password is too common and easy to guess. Choose another."),
    Weakness.ONE_KIND: _l("Mix letters and digits, or use a longer phrase of several words."),
    Weakness.PERSONAL: _l("Do not use your email address or phone number in your password."),
}

REQUIRED = _l("Please fill in this field.")


def _strong_password(form, field) -> None:
    personal = getattr(form, "personal", ()) + tuple(
        str(getattr(form, name).data or "") for name in ("email", "phone") if hasattr(form, name)
    )
    weakness = password_weakness(field.data or "", personal)
    if weakness:
        raise ValidationError(str(WEAKNESS_MESSAGES[weakness]))


def _email_field() -> EmailField:
    return EmailField(
        _l("Email"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=254),
            Email(message=_l("Enter a valid email address, for example ten@example.com.")),
        ],
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "email"},
    )


def _new_password_field(label) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(message=REQUIRED), _strong_password],
        render_kw={"autocomplete": "new-password"},
    )


class RegisterForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(message=REQUIRED), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = _email_field()
    phone = StringField(
        _l("Mobile phone"),
        validators=[DataRequired(message=REQUIRED)],
        description=_l("For example 0912 345 678 or +84 912 345 678."),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    password = _new_password_field(_l("Password"))

    def validate_phone(self, field) -> None:
        normalized = normalize_mobile(field.data or "")
        if normalized is None:
            raise ValidationError(
                _l("Enter a Vietnamese mobile number: 10 digits starting with 0, or +84.")
            )
        self.normalized_phone = normalized


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me"))
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, personal: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.personal = personal


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
