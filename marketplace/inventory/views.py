"""Lots of a cooperative's products and their printed labels (/vendor/...), and the public
trace page a label's QR code opens (/trace/<lot_code>)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.guards import cooperative_required, public, refuse_cooperatives_not_yet_approved
from ..errors import render_error
from ..i18n import local_date
from ..vendors.products import product_of
from . import lots as lot_service
from .forms import LabelsForm, LotForm
from .labels import Label, label_sheet

bp = Blueprint("vendor_lots", __name__, url_prefix="/vendor")
tracing = Blueprint("trace", __name__, url_prefix="/trace")

INVALID_FORM = 422
bp.before_request(refuse_cooperatives_not_yet_approved)


def _cooperative_id() -> int:
    return current_user.membership.cooperative_id


def _or_404(lookup, object_id: int):
    """The cooperative's object with this id, or a 404 for anyone else's (or none)."""
    try:
        return lookup(_cooperative_id(), object_id)
    except LookupError:
        abort(404)


def _status(form) -> int:
    return INVALID_FORM if form.is_submitted() else 200


@bp.route("/products/<int:product_id>/lots", methods=["GET", "POST"])
@cooperative_required
def lots(product_id: int):
    product = _or_404(product_of, product_id)
    form = LotForm()
    if form.validate_on_submit():
        try:
            lot = lot_service.create_lot(_cooperative_id(), product_id, form.to_values(), current_user)
        except lot_service.InvalidLot as invalid:
            form.show_problems(invalid.problems)
        else:
            flash(_("Lot %(code)s recorded: %(n)d added to the stock.", code=lot.code, n=lot.quantity), "success")
            return redirect(url_for(".lots", product_id=product_id))
    return render_template("inventory/lots.html", product=product, form=form,
                           lots=lot_service.lots_of(_cooperative_id(), product_id)), _status(form)


@bp.route("/lots/<int:lot_id>/labels", methods=["GET", "POST"])
@cooperative_required
def labels(lot_id: int):
    lot = _or_404(lot_service.lot_of, lot_id)
    form = LabelsForm()
    if form.validate_on_submit():
        pdf = label_sheet(_label_of(lot), form.count.data, title=_("Labels of lot %(code)s", code=lot.code))
        return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=f"labels-{lot.code}.pdf")
    return render_template("inventory/labels.html", lot=lot, form=form), _status(form)


def _label_of(lot) -> Label:
    dates = [_("Harvested: %(date)s", date=local_date(lot.harvested_on))]
    if lot.best_before:
        dates.append(_("Best before: %(date)s", date=local_date(lot.best_before)))
    return Label(product=lot.product.name, cooperative=lot.product.cooperative.name,
                 lot=_("Lot: %(code)s", code=lot.code), dates=tuple(dates),
                 url=url_for("trace.lot", lot_code=lot.code, _external=True))


@tracing.route("/<lot_code>")
@public
def lot(lot_code: str):
    found = lot_service.trace(lot_code)
    if found is None:
        return render_error(404, _("No lot has this code. Check the 8 letters and digits printed on the label."))
    return render_template("inventory/trace.html", trace=found, lot=found.lot, product=found.product)
