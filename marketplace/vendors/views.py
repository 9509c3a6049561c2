from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.guards import cooperative_owner_required, cooperative_required, login_required
from ..catalog.models import ProductStatus
from . import applications, documents, emails, products, services, staff
from .applications import ApplicationRefused
from .staff import StaffChangeRefused
from .forms import ApplicationForm, DocumentForm, InviteForm, TransferOwnershipForm
from .messages import refusal_message
from .models import DocumentKind

bp = Blueprint("vendors", __name__, url_prefix="/vendor")
applying = Blueprint("applications", __name__, url_prefix="/vendors")

INVALID_FORM = 422


@bp.route("")
@cooperative_required
def dashboard():
    membership = current_user.membership
    return render_template(
        "vendors/dashboard.html",
        membership=membership,
        cooperative=membership.cooperative,
        product_counts=services.product_counts_by_status(membership.cooperative_id),
        low_stock=products.low_stock_products(membership.cooperative_id), ProductStatus=ProductStatus,
    )


def _staff_page(invite_form: InviteForm | None = None, transfer_form: TransferOwnershipForm | None = None,
                status: int = 200):
    cooperative_id = current_user.membership.cooperative_id
    return render_template(
        "vendors/staff.html", members=staff.members(cooperative_id),
        invitations=staff.pending_invitations(cooperative_id),
        invite_form=invite_form or InviteForm(), transfer_form=transfer_form or TransferOwnershipForm(),
    ), status


@bp.route("/staff")
@cooperative_owner_required
def staff_list():
    return _staff_page()


@bp.route("/staff/invite", methods=["POST"])
@cooperative_owner_required
def invite_staff():
    form = InviteForm()
    if not form.validate_on_submit():
        return _staff_page(invite_form=form, status=INVALID_FORM)
    max_age = current_app.config["INVITATION_MAX_AGE"]
    try:
        invitation, token = staff.invite(current_user, form.email.data, max_age)
    except StaffChangeRefused as refused:
        form.email.errors = [refusal_message(refused.reason)]
        return _staff_page(invite_form=form, status=INVALID_FORM)
    emails.send_staff_invitation(invitation, current_user, url_for(".join", token=token, _external=True),
                                 max_age.days)
    flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
    return redirect(url_for(".staff_list"))


@bp.route("/staff/invitations/<int:invitation_id>/revoke", methods=["POST"])
@cooperative_owner_required
def revoke_invitation(invitation_id: int):
    try:
        staff.revoke(current_user, invitation_id)
    except LookupError:
        abort(404)
    flash(_("Invitation withdrawn."), "success")
    return redirect(url_for(".staff_list"))


@bp.route("/staff/<int:member_id>/remove", methods=["POST"])
@cooperative_owner_required
def remove_staff(member_id: int):
    return _change_staff(lambda: staff.remove(current_user, member_id), _("Staff member removed."))


@bp.route("/staff/<int:member_id>/make-owner", methods=["POST"])
@cooperative_owner_required
def transfer_ownership(member_id: int):
    form = TransferOwnershipForm()
    if not form.validate_on_submit():
        return _staff_page(transfer_form=form, status=INVALID_FORM)
    return _change_staff(lambda: staff.transfer_ownership(current_user, member_id, form.password.data),
                         _("Ownership handed over: you are now staff of the cooperative."), "vendors.dashboard")


def _change_staff(change, done: str, then: str = ".staff_list"):
    try:
        change()
    except LookupError:
        abort(404)
    except StaffChangeRefused as refused:
        flash(refusal_message(refused.reason), "error")
        return redirect(url_for(".staff_list"))
    flash(done, "success")
    return redirect(url_for(then))


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def join(token: str):
    invitation = staff.invitation_for(token)
    if request.method == "POST":
        try:
            staff.accept(current_user, token)
        except StaffChangeRefused as refused:
            flash(refusal_message(refused.reason), "error")
            return render_template("vendors/join.html", invitation=None, token=token), INVALID_FORM
        flash(_("Welcome to %(cooperative)s.", cooperative=invitation.cooperative.name), "success")
        return redirect(url_for(".dashboard"))
    return render_template("vendors/join.html", invitation=invitation, token=token), 200 if invitation else 410


def _apply_page(form: ApplicationForm, document_form: DocumentForm | None = None, status: int = 200):
    application = applications.current_application(current_user)
    return render_template(
        "vendors/apply.html", form=form, document_form=document_form or DocumentForm(), application=application,
    ), status


@applying.route("/apply", methods=["GET", "POST"])
@login_required
def apply():
    if current_user.membership is not None:
        return redirect(url_for("vendors.dashboard"))
    application = applications.current_application(current_user)
    form = ApplicationForm(obj=application if request.method == "GET" else None)
    if not form.is_submitted():
        return _apply_page(form)
    submit = "submit" in request.form
    if not (form.validate_for_submission() if submit else form.validate()):
        return _apply_page(form, status=INVALID_FORM)
    try:
        saved = applications.save_application(current_user, form.values(), submit=submit)
    except ApplicationRefused as refused:
        message = refusal_message(refused.reason)
        if refused.field:
            form[refused.field].errors = [message]
        else:
            flash(message, "error")
        return _apply_page(form, status=INVALID_FORM)
    if submit:
        emails.send_application_received(saved)
        flash(_("Your application is submitted. We will email you when it has been reviewed."), "success")
    else:
        flash(_("Draft saved."), "success")
    return redirect(url_for(".apply"))


@applying.route("/apply/documents", methods=["POST"])
@login_required
def upload_document():
    document_form = DocumentForm()
    if document_form.validate_on_submit():
        data = document_form.file.data.read(documents.MAX_DOCUMENT_BYTES + 1)
        try:
            applications.add_document(current_user, DocumentKind(document_form.kind.data),
                                      document_form.file.data.filename, data, current_app.config["UPLOAD_FOLDER"])
        except ApplicationRefused as refused:
            document_form.file.errors = [refusal_message(refused.reason)]
        else:
            flash(_("Document added."), "success")
            return redirect(url_for(".apply"))
    application = applications.current_application(current_user)
    return _apply_page(ApplicationForm(obj=application), document_form, INVALID_FORM)


@applying.route("/apply/documents/<int:document_id>/delete", methods=["POST"])
@login_required
def delete_document(document_id: int):
    try:
        applications.remove_document(current_user, document_id, current_app.config["UPLOAD_FOLDER"])
    except LookupError:
        abort(404)
    except ApplicationRefused as refused:
        flash(refusal_message(refused.reason), "error")
    else:
        flash(_("Document removed."), "success")
    return redirect(url_for(".apply"))


@applying.route("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    found = applications.document_for(current_user, document_id)
    if found is None:
        abort(404)
    response = send_file(documents.path_of(current_app.config["UPLOAD_FOLDER"], found.stored_name),
                         mimetype=found.content_type, download_name=found.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
