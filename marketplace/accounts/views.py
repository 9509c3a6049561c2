from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..common.urls import safe_next
from ..extensions import limiter
from ..orders import carts
from . import emails, services
from .forms import ChangePasswordForm, LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from .guards import anonymous_only, login_required, public

bp = Blueprint("accounts", __name__, url_prefix="/account")

INVALID_FORM = 422


def _configured_limit(key: str):
    return lambda: current_app.config[key]


def _account_key() -> str:
    email = services.normalize_email(request.form.get("email", ""))
    return f"account:{email}" if email else get_remote_address()


def _render_form(template: str, form, **context):
    """A form page; a submitted form that comes back with errors answers 422."""
    status = INVALID_FORM if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def _start_session(user, remember: bool = False) -> None:
    """Log the user in on a fresh session, so a session planted before login is worthless; the
    guest's cart joins the account's saved cart."""
    guest_cart = carts.session_lines(session)
    session.clear()
    login_user(user, remember=remember)
    services.record_login(user)
    if guest_cart:
        carts.merge_into_user_cart(user, guest_cart)


@bp.route("/register", methods=["GET", "POST"])
@anonymous_only
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.normalized_phone,
                password=form.password.data,
            )
        except services.EmailTaken:
            form.email.errors.append(
                _("This email is already registered. Log in, or reset your password if you forgot it.")
            )
        else:
            _start_session(user)
            flash(_("Welcome to Chợ HTX, %(name)s!", name=user.full_name), "success")
            return redirect(url_for("shop.home"))
    return _render_form("accounts/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@anonymous_only
@limiter.limit(_configured_limit("LOGIN_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(
    _configured_limit("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=_account_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(form.next.data, url_for("shop.home")))
        services.record_failed_login(form.email.data)
        error = _("Wrong email or password.")
    return _render_form("accounts/login.html", form, error=error)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        services.record_logout(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("shop.home"))


@bp.route("")
@login_required
def profile():
    return render_template("accounts/profile.html", user=current_user)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(personal=(user.email, user.phone or ""))
    if form.validate_on_submit():
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except services.WrongPassword:
            form.current_password.errors.append(_("The current password is not right."))
        else:
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(user, remember=remembered)
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for(".profile"))
    return _render_form("accounts/change_password.html", form)


@bp.route("/password/reset", methods=["GET", "POST"])
@public
@limiter.limit(_configured_limit("RESET_LIMIT_PER_IP"), methods=["POST"])
@limiter.limit(_configured_limit("RESET_LIMIT_PER_ACCOUNT"), key_func=_account_key, methods=["POST"])
def request_password_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        result = services.create_password_reset(
            form.email.data, current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
        if result is not None:
            user, token = result
            emails.send_password_reset(user, url_for(".reset_password", token=token, _external=True))
        flash(
            _(
                "If an account uses this email, we have sent it a link to choose a new password. "
                "The link works once, within %(minutes)d minutes.",
                minutes=int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60),
            ),
            "info",
        )
        return redirect(url_for(".login"))
    return _render_form("accounts/reset_request.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_configured_limit("RESET_LIMIT_PER_IP"), methods=["POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/reset_invalid.html"), 410
    form = ResetPasswordForm(personal=(user.email, user.phone or ""))
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.InvalidResetToken:
            return render_template("accounts/reset_invalid.html"), 410
        _start_session(user)
        flash(_("Your new password is set and you are logged in."), "success")
        return redirect(url_for("shop.home"))
    return _render_form("accounts/reset_password.html", form)
