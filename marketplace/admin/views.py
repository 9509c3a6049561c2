from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import services as accounts
from ..accounts.guards import admin_required
from ..extensions import db
from ..labels import label
from ..vendors import applications, emails
from ..vendors import services as vendors
from ..vendors import settings
from ..vendors.applications import COOPERATIVE_TABS, REVIEW_TABS, ApplicationRefused
from ..vendors.forms import ApproveForm, ReasonForm
from ..vendors.messages import refusal_message
from ..vendors.models import ApplicationStatus, Cooperative, CooperativeApplication, CooperativeStatus
from ..vendors.settings import SettingsRefused
from ..vendors.settings_forms import BankRejectForm, PendingBankForm
from ..vendors.settings_messages import refusal_message as settings_refusal_message

bp = Blueprint("admin", __name__, url_prefix="/admin")

INVALID_FORM = 422


@bp.route("")
@admin_required
def dashboard():
    return render_template(
        "admin/dashboard.html",
        user_count=accounts.count_users(),
        cooperative_counts=vendors.cooperative_counts_by_status(),
        review_counts=applications.review_counts(),
        tab_labels=_tab_labels(),
    )


def _tab_labels() -> dict[str, str]:
    return {tab: label(CooperativeStatus(tab) if tab in COOPERATIVE_TABS else ApplicationStatus(tab))
            for tab in REVIEW_TABS}


@bp.route("/vendors")
@admin_required
def vendor_list():
    tab = request.args.get("tab", "submitted")
    if tab not in REVIEW_TABS:
        abort(404)
    search = request.args.get("q", "")[:200]
    if tab in COOPERATIVE_TABS:
        rows = applications.cooperatives_with_status(CooperativeStatus(tab), search)
    else:
        rows = applications.applications_with_status(ApplicationStatus(tab), search)
    return render_template("admin/vendors.html", tab=tab, rows=rows, search=search,
                           counts=applications.review_counts(), tab_labels=_tab_labels(),
                           lists_cooperatives=tab in COOPERATIVE_TABS)


def _application_page(application: CooperativeApplication, status: int = 200, **forms):
    forms.setdefault("approve_form", ApproveForm(slug=applications.suggested_slug(application)))
    forms.setdefault("reject_form", ReasonForm(prefix="reject"))
    forms.setdefault("changes_form", ReasonForm(prefix="changes"))
    return render_template("admin/application.html", application=application, **forms), status


def _application_or_404(application_id: int) -> CooperativeApplication:
    application = db.session.get(CooperativeApplication, application_id)
    if application is None:
        abort(404)
    return application


@bp.route("/vendors/applications/<int:application_id>")
@admin_required
def application(application_id: int):
    return _application_page(_application_or_404(application_id))


def _decide(application_id: int, form, form_name: str, decide):
    """Run one decision on a submitted application; on refusal show the page again with the message."""
    application = _application_or_404(application_id)
    if form.validate_on_submit():
        try:
            decided = decide(form)
        except ApplicationRefused as refused:
            message = refusal_message(refused.reason)
            if refused.field == "slug":
                form.slug.errors = [message]
            else:
                flash(message, "error")
        else:
            emails.send_application_decision(decided)
            flash(_("Decision recorded; the applicant has been emailed."), "success")
            return redirect(url_for(".application", application_id=application_id))
    return _application_page(application, INVALID_FORM, **{form_name: form})


@bp.route("/vendors/applications/<int:application_id>/approve", methods=["POST"])
@admin_required
def approve(application_id: int):
    return _decide(application_id, ApproveForm(), "approve_form",
                   lambda form: applications.approve(current_user, application_id, form.slug.data))


@bp.route("/vendors/applications/<int:application_id>/reject", methods=["POST"])
@admin_required
def reject(application_id: int):
    return _decide(application_id, ReasonForm(prefix="reject"), "reject_form",
                   lambda form: applications.reject(current_user, application_id, form.reason.data))


@bp.route("/vendors/applications/<int:application_id>/request-changes", methods=["POST"])
@admin_required
def request_changes(application_id: int):
    return _decide(application_id, ReasonForm(prefix="changes"), "changes_form",
                   lambda form: applications.request_changes(current_user, application_id, form.reason.data))


def _cooperative_or_404(cooperative_id: int) -> Cooperative:
    cooperative = db.session.get(Cooperative, cooperative_id)
    if cooperative is None:
        abort(404)
    return cooperative


def _cooperative_page(cooperative: Cooperative, status: int = 200, **forms):
    """The cooperative's page with its forms: blank, but for a refused one shown again with its errors."""
    forms.setdefault("form", ReasonForm())
    forms.setdefault("bank_verify_form", PendingBankForm(prefix="bank-verify"))
    forms.setdefault("bank_reject_form", BankRejectForm(prefix="bank-reject"))
    return render_template("admin/cooperative.html", cooperative=cooperative,
                           application=applications.application_of(cooperative), **forms), status


@bp.route("/vendors/coops/<int:cooperative_id>")
@admin_required
def cooperative(cooperative_id: int):
    return _cooperative_page(_cooperative_or_404(cooperative_id))


def _act_on_cooperative(cooperative_id: int, form, form_name: str, act, done: str):
    """Run one admin decision on a cooperative; a refused one shows the page again with the reason."""
    cooperative = _cooperative_or_404(cooperative_id)
    if form.validate_on_submit():
        try:
            act(form)
        except ApplicationRefused as refused:
            flash(refusal_message(refused.reason), "error")
        except SettingsRefused as refused:
            flash(settings_refusal_message(refused.reason), "error")
        else:
            flash(done, "success")
            return redirect(url_for(".cooperative", cooperative_id=cooperative_id))
    return _cooperative_page(cooperative, INVALID_FORM, **{form_name: form})


@bp.route("/vendors/coops/<int:cooperative_id>/suspend", methods=["POST"])
@admin_required
def suspend(cooperative_id: int):
    return _act_on_cooperative(
        cooperative_id, ReasonForm(), "form",
        lambda form: applications.suspend(current_user, cooperative_id, form.reason.data),
        _("The cooperative is suspended: its products are hidden from the marketplace."))


@bp.route("/vendors/coops/<int:cooperative_id>/reinstate", methods=["POST"])
@admin_required
def reinstate(cooperative_id: int):
    return _act_on_cooperative(
        cooperative_id, ReasonForm(), "form",
        lambda form: applications.reinstate(current_user, cooperative_id, form.reason.data),
        _("The cooperative is active again: its products are back on the marketplace."))


# A cooperative's bank account change, waiting for verification (vendors.settings)

@bp.route("/vendors/coops/<int:cooperative_id>/bank/verify", methods=["POST"])
@admin_required
def verify_bank_change(cooperative_id: int):
    return _act_on_cooperative(
        cooperative_id, PendingBankForm(prefix="bank-verify"), "bank_verify_form",
        lambda form: emails.send_bank_change_notice(
            settings.verify_bank_change(current_user, cooperative_id, form.seen()), "verified",
            form.seen().described()),
        _("The new bank account is verified: payouts and transfer QR codes use it from now on."))


@bp.route("/vendors/coops/<int:cooperative_id>/bank/reject", methods=["POST"])
@admin_required
def reject_bank_change(cooperative_id: int):
    return _act_on_cooperative(
        cooperative_id, BankRejectForm(prefix="bank-reject"), "bank_reject_form",
        lambda form: emails.send_bank_change_notice(
            settings.reject_bank_change(current_user, cooperative_id, form.seen(), form.reason.data), "rejected",
            form.seen().described(), form.reason.data),
        _("The bank account change is rejected: payouts stay with the current account."))
