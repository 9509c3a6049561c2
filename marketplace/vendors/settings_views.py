"""The owner's settings pages (profile, shipping, bank account), always of their own cooperative,
and the public logo and cover files."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.guards import cooperative_owner_required, public
from ..errors import render_error
from . import emails, settings
from .image_responses import image_response
from .settings import SettingsRefused
from .settings_forms import BankAccountForm, ProfileForm, ShippingForm
from .settings_messages import refusal_message

bp = Blueprint("vendor_settings", __name__, url_prefix="/vendor/settings")
image_files = Blueprint("cooperative_images", __name__, url_prefix="/images/coops")

INVALID_FORM = 422


@bp.errorhandler(PermissionError)
def _no_longer_owner(error: PermissionError):
    """The guard let an owner in, who lost the ownership before the change was saved."""
    return render_error(403)


def _cooperative():
    return current_user.membership.cooperative


def _page(template: str, form, status: int, **context):
    return render_template(template, form=form, cooperative=_cooperative(), **context), status


def _show_refusal(form, refused: SettingsRefused) -> None:
    message = refusal_message(refused.reason)
    if refused.field:
        form[refused.field].errors = [message]
    else:
        flash(message, "error")


def _settings_page(form, template: str, save, done: str, **context):
    """Show the form; on a valid submission run `save(form)` and come back with `done` said."""
    if not form.validate_on_submit():
        return _page(template, form, INVALID_FORM if form.is_submitted() else 200, **context)
    try:
        save(form)
    except SettingsRefused as refused:
        _show_refusal(form, refused)
        return _page(template, form, INVALID_FORM, **context)
    flash(done, "success")
    return redirect(request.path)


@bp.route("/profile", methods=["GET", "POST"])
@cooperative_owner_required
def profile():
    form = ProfileForm(obj=_cooperative() if request.method == "GET" else None)
    return _settings_page(
        form, "vendors/settings_profile.html",
        lambda f: settings.update_profile(current_user, f.values(), f.uploads(), f.removals(),
                                         current_app.config["UPLOAD_FOLDER"]),
        _("Profile saved."))


@bp.route("/shipping", methods=["GET", "POST"])
@cooperative_owner_required
def shipping():
    form = ShippingForm(obj=_cooperative() if request.method == "GET" else None)
    return _settings_page(
        form, "vendors/settings_shipping.html", lambda f: settings.update_shipping(current_user, f.values()),
        _("Shipping fees saved."), examples=_fee_examples())


def _fee_examples() -> list[tuple[str, int, int]]:
    """(weight in kilograms as the language writes it, fee in the province, fee elsewhere)."""
    return [(format_decimal(grams / 1000), inside, elsewhere)
            for grams, inside, elsewhere in settings.fee_examples(_cooperative())]


@bp.route("/bank", methods=["GET", "POST"])
@cooperative_owner_required
def bank():
    cooperative = _cooperative()
    return _settings_page(
        BankAccountForm(), "vendors/settings_bank.html",
        _request_bank_change,
        _("Your request is sent. Payouts keep going to the current account until an administrator verifies "
          "the new one."),
        active=settings.active_account(cooperative), pending=settings.pending_account(cooperative))


def _request_bank_change(form) -> None:
    account = form.account()
    cooperative = settings.request_bank_change(current_user, account)
    emails.send_bank_change_notice(cooperative, "requested", account.described())


@image_files.route("/<file_name>")
@public
def image(file_name: str):
    cooperative = settings.image_owner(current_user, file_name)
    if cooperative is None:
        abort(404)
    return image_response(file_name, public=cooperative.is_approved)
