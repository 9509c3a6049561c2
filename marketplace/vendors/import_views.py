"""Cooperative staff export their products and stock as CSV and import them back: a dry run shows
what each row would do, and a confirmation (the checked file, signed for this person and cooperative)
applies all of it or nothing. /vendor/products/export.csv, /vendor/products/import."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.guards import cooperative_required, refuse_cooperatives_not_yet_approved
from ..catalog.services import all_categories, categories_tree
from ..common.places import ward_choices
from ..common.vntime import vietnam_today
from ..i18n import current_language
from . import import_messages, product_csv, product_import
from .import_forms import UploadForm

bp = Blueprint("product_import", __name__, url_prefix="/vendor/products")
bp.before_request(refuse_cooperatives_not_yet_approved)

INVALID_FILE = 422
CONFLICT = 409
# Room left in a form for the CSRF token beside the confirmation.
FORM_ROOM = 1_000


def _cooperative():
    return current_user.membership.cooperative


def _secret_key() -> str:
    return current_app.config["SECRET_KEY"]


@bp.route("/export.csv")
@cooperative_required
def export():
    cooperative = _cooperative()
    file_name = f"{cooperative.slug}-products-{vietnam_today().isoformat()}.csv"
    return Response(product_import.export_csv(cooperative.id).encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"',
                             "Cache-Control": "private, no-store"})


@bp.route("/import", methods=["GET", "POST"])
@cooperative_required
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form), INVALID_FILE if form.is_submitted() else 200
    plan, confirmation = _checked(form.file.data.read(product_csv.MAX_BYTES + 1))
    return _page(form, plan, confirmation), 200 if plan.ok else INVALID_FILE


@bp.route("/import/apply", methods=["POST"])
@cooperative_required
def apply():
    cooperative = _cooperative()
    try:
        file = product_import.confirmed(request.form.get("confirmation", ""), cooperative.id, current_user.id,
                                        _secret_key())
    except product_import.ConfirmationRefused:
        flash(_("This confirmation has expired or was changed: nothing was saved. Upload the file again."), "error")
        return _page(UploadForm(formdata=None)), 400
    try:
        plan = product_import.apply_import(cooperative.id, cooperative.province_code, file, current_user,
                                           _("CSV import"))
    except product_import.ImportConflict:
        flash(_("Your products changed since this file was checked: nothing was saved. Here is the check again."),
              "error")
        plan, confirmation = _checked(file.data)
        return _page(UploadForm(formdata=None), plan, confirmation), CONFLICT
    flash(_("Import done: %(created)d added, %(changed)d changed, %(same)d unchanged.",
            created=plan.count(product_import.CREATE), changed=plan.count(product_import.CHANGE),
            same=plan.count(product_import.SAME)), "success")
    return redirect(url_for("vendor_products.product_list"))


def _checked(data: bytes):
    cooperative = _cooperative()
    return product_import.checked_upload(cooperative.id, cooperative.province_code, current_user.id, data,
                                         _secret_key(), current_app.config["MAX_FORM_MEMORY_SIZE"] - FORM_ROOM)


def _page(form: UploadForm, plan: product_import.ImportPlan | None = None, confirmation: str = ""):
    language = current_language()
    return render_template(
        "vendors/import.html", form=form, plan=plan, confirmation=confirmation, columns=product_csv.COLUMNS,
        required=product_csv.REQUIRED_COLUMNS, defaults=product_csv.NEW_PRODUCT_DEFAULTS,
        column_help=import_messages.COLUMN_HELP, max_rows=product_csv.MAX_ROWS,
        categories=[(node.slug, node.name(language)) for node in all_categories(categories_tree())],
        wards=ward_choices(_cooperative().province_code))
