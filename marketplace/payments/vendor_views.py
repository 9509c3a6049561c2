"""The cooperative's side of payments: cash collected at delivery, carriers' remittances,
transfers received, and its list of payment records. Each form is on the vendor order's page;
a refused submission comes back on a page of its own, with what was typed."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..accounts.guards import cooperative_required, refuse_cooperatives_not_yet_approved
from ..common.querystring import page_number, with_changes
from ..extensions import db
from ..i18n import vnd
from ..labels import label
from ..orders import vendor_orders
from ..orders.models import VendorOrder
from ..orders.notifications import notify_state_changed
from ..orders.states import TransitionRefused
from . import cash, records, transfers
from .models import Collector, Payment, PaymentAllocation, PaymentStatus
from .records import PaymentRefused
from .vendor_forms import PAYMENT_WORDS, CashForm, ReceivedForm, RemittanceForm

bp = Blueprint("vendor_payments", __name__, url_prefix="/vendor")
bp.before_request(refuse_cooperatives_not_yet_approved)
bp.context_processor(lambda: {"payment_words": PAYMENT_WORDS})

INVALID_FORM = 422
PER_PAGE = 50


def _cooperative_id() -> int:
    return current_user.membership.cooperative_id


def _vendor_order_or_404(vendor_order_id: int) -> VendorOrder:
    vendor_order = vendor_orders.vendor_order_of(_cooperative_id(), vendor_order_id)
    if vendor_order is None:
        abort(404)
    return vendor_order


def _back_to(vendor_order_id: int):
    return redirect(url_for("vendor_orders.detail", vendor_order_id=vendor_order_id), 303)


def _refused_page(vendor_order: VendorOrder, form, template: str, **context):
    """The form back on a page of its own, with what was typed and why it was refused."""
    balance = records.balances([vendor_order.id])[vendor_order.id]
    return render_template(template, vendor_order=vendor_order, balance=balance, form=form,
                           **context), INVALID_FORM


@bp.route("/orders/<int:vendor_order_id>/cash", methods=["POST"])
@cooperative_required
def deliver_with_cash(vendor_order_id: int):
    vendor_order = _vendor_order_or_404(vendor_order_id)
    form = CashForm()
    if not form.validate_on_submit():
        return _refused_page(vendor_order, form, "payments/vendor_cash.html")
    try:
        event, _payment = cash.deliver_with_cash(vendor_order.cooperative_id, vendor_order_id, current_user,
                                                 form.amount.data, form.collector, reference=form.reference.data,
                                                 note=form.note.data)
    except PaymentRefused as refused:
        form.show_refusal(refused)
        return _refused_page(vendor_order, form, "payments/vendor_cash.html")
    except TransitionRefused:
        db.session.refresh(vendor_order)
        form.form_errors.append(_("This order is now “%(state)s”: it can no longer be marked delivered. "
                                  "Nothing was recorded.", state=label(vendor_order.state)))
        return _refused_page(vendor_order, form, "payments/vendor_cash.html")
    notify_state_changed(event)
    flash(_("Order %(code)s: delivered, %(amount)s collected.", code=vendor_order.code,
            amount=vnd(form.amount.data)), "success")
    return _back_to(vendor_order_id)


@bp.route("/orders/<int:vendor_order_id>/received", methods=["POST"])
@cooperative_required
def record_received(vendor_order_id: int):
    vendor_order = _vendor_order_or_404(vendor_order_id)
    form = ReceivedForm()
    if not form.validate_on_submit():
        return _refused_page(vendor_order, form, "payments/vendor_received.html")
    try:
        _payment, events = transfers.record_received(_cooperative_id(), vendor_order_id, current_user,
                                                     form.amount.data, form.reference.data, form.note.data)
    except LookupError:
        abort(404)
    except PaymentRefused as refused:
        form.show_refusal(refused)
        return _refused_page(vendor_order, form, "payments/vendor_received.html")
    notify_state_changed(*events)
    flash(_("Order %(code)s: a transfer of %(amount)s was recorded.", code=vendor_order.code,
            amount=vnd(form.amount.data)), "success")
    return _back_to(vendor_order_id)


def _collection_or_404(payment_id: int) -> tuple[Payment, VendorOrder]:
    """The cooperative's carrier collection with this id, and the vendor order it is for."""
    allocation = db.session.scalar(
        select(PaymentAllocation).join(PaymentAllocation.payment).join(PaymentAllocation.vendor_order)
        .options(contains_eager(PaymentAllocation.payment), contains_eager(PaymentAllocation.vendor_order))
        .where(PaymentAllocation.payment_id == payment_id, Payment.collector == Collector.CARRIER,
               VendorOrder.cooperative_id == _cooperative_id()))
    if allocation is None:
        abort(404)
    return allocation.payment, allocation.vendor_order


@bp.route("/payments/<int:payment_id>/remittance", methods=["POST"])
@cooperative_required
def record_remittance(payment_id: int):
    payment, vendor_order = _collection_or_404(payment_id)
    form = RemittanceForm()
    if not form.validate_on_submit():
        return _refused_page(vendor_order, form, "payments/vendor_remittance.html", payment=payment)
    try:
        cash.record_remittance(_cooperative_id(), payment_id, current_user, form.reference.data, form.fee_amount)
    except LookupError:
        abort(404)
    except PaymentRefused as refused:
        if refused.reason == records.ALREADY_SETTLED:
            flash(_("This collection was already settled. Nothing was changed."), "error")
            return _back_to(vendor_order.id)
        form.show_refusal(refused)
        return _refused_page(vendor_order, form, "payments/vendor_remittance.html", payment=payment)
    flash(_("Order %(code)s: the carrier's remittance %(reference)s was recorded.", code=vendor_order.code,
            reference=form.reference.data), "success")
    return _back_to(vendor_order.id)


@bp.route("/payments")
@cooperative_required
def index():
    page = page_number(request.args)
    rows = db.session.scalars(
        _own_allocations().order_by(Payment.created_at.desc(), Payment.id.desc(), PaymentAllocation.id)
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    awaiting = db.session.scalars(
        _own_allocations().where(Payment.collector == Collector.CARRIER, Payment.status == PaymentStatus.PENDING)
        .order_by(Payment.created_at, Payment.id)).all()
    return render_template(
        "payments/vendor_payments.html", rows=rows[:PER_PAGE], awaiting=awaiting, page=page,
        previous_url=_page_url(page - 1) if page > 1 else None,
        next_url=_page_url(page + 1) if len(rows) > PER_PAGE else None)


def _own_allocations():
    """The cooperative's shares of payment records, each with its record and vendor order."""
    return (select(PaymentAllocation).join(PaymentAllocation.payment).join(PaymentAllocation.vendor_order)
            .options(contains_eager(PaymentAllocation.payment).joinedload(Payment.recorded_by),
                     contains_eager(PaymentAllocation.vendor_order))
            .where(VendorOrder.cooperative_id == _cooperative_id()))


def _page_url(page: int) -> str:
    return with_changes(request.path, request.args, drop=(), page=page if page > 1 else None)
