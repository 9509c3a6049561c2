"""The cooperative's side of payments: cash collected at delivery, carriers' remittances,
transfers received, refunds (paid back by hand or sent to the card), and its list of payment
records. Each form is on the vendor order's page; a refused submission comes back on a page of
its own, with what was typed."""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.guards import cooperative_required, refuse_cooperatives_not_yet_approved
from ..common.querystring import page_number, pager_urls
from ..extensions import db
from ..i18n import vnd
from ..labels import label
from ..orders import vendor_orders
from ..orders.models import PaymentMethod, VendorOrder
from ..orders.notifications import notify_state_changed
from ..orders.states import TransitionRefused
from . import card, cash, records, refunds, transfers, vendor_payments
from .gateway import GatewayRefused
from .models import Payment, PaymentAllocation, PaymentStatus
from .records import PaymentRefused
from .notifications import notify_refund
from .vendor_forms import CashForm, ReceivedForm, RemittanceForm, paid_back_form, refund_form

log = logging.getLogger(__name__)

bp = Blueprint("vendor_payments", __name__, url_prefix="/vendor")
bp.before_request(refuse_cooperatives_not_yet_approved)

INVALID_FORM = 422


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


def _payment_or_404(share: PaymentAllocation | None) -> tuple[Payment, VendorOrder]:
    """The payment record of the cooperative's share and the vendor order it is for; 404 for none."""
    if share is None:
        abort(404)
    return share.payment, share.vendor_order


@bp.route("/payments/<int:payment_id>/remittance", methods=["POST"])
@cooperative_required
def record_remittance(payment_id: int):
    form = RemittanceForm()
    return _settle_by_form(
        vendor_payments.collection_share(_cooperative_id(), payment_id), form, "payments/vendor_remittance.html",
        lambda: cash.record_remittance(_cooperative_id(), payment_id, current_user, form.reference.data,
                                       form.fee_amount),
        already_settled=_("This collection was already settled. Nothing was changed."),
        done=lambda code: _("Order %(code)s: the carrier's remittance %(reference)s was recorded.", code=code,
                            reference=form.reference.data))


def _settle_by_form(share: PaymentAllocation | None, form, template: str, settle: Callable[[], object], *,
                    already_settled: str, done: Callable[[str], str]):
    """A pending record of the cooperative settled with what the form gives (`settle`), back on the
    vendor order's page with `done(code)`; the refused form on a page of its own."""
    payment, vendor_order = _payment_or_404(share)
    if not form.validate_on_submit():
        return _refused_page(vendor_order, form, template, payment=payment)
    try:
        settle()
    except LookupError:
        abort(404)
    except PaymentRefused as refused:
        if refused.reason == records.ALREADY_SETTLED:
            flash(already_settled, "error")
            return _back_to(vendor_order.id)
        form.show_refusal(refused)
        return _refused_page(vendor_order, form, template, payment=payment)
    flash(done(vendor_order.code), "success")
    return _back_to(vendor_order.id)


@bp.route("/payments")
@cooperative_required
def index():
    page = page_number(request.args)
    found = vendor_payments.records_page(_cooperative_id(), page)
    return render_template(
        "payments/vendor_payments.html", rows=found.rows, page=page,
        refunds_to_settle=vendor_payments.refunds_to_settle(_cooperative_id()),
        awaiting=vendor_payments.collections_awaiting_remittance(_cooperative_id()),
        **pager_urls(request.path, request.args, page, found.has_next))


# --- refunds ---------------------------------------------------------------------------------

@bp.route("/orders/<int:vendor_order_id>/refund", methods=["POST"])
@cooperative_required
def refund(vendor_order_id: int):
    vendor_order = _vendor_order_or_404(vendor_order_id)
    form = refund_form(vendor_order)
    if not form.validate_on_submit():
        return _refused_page(vendor_order, form, "payments/vendor_refund.html")
    try:
        payment = refunds.record_refund(_cooperative_id(), vendor_order_id, current_user, form.amount.data,
                                        form.reason.data, reference=form.bank_reference, returned=form.returned)
    except LookupError:
        abort(404)
    except PaymentRefused as refused:
        form.show_refusal(refused)
        return _refused_page(vendor_order, form, "payments/vendor_refund.html")
    notify_refund(payment)
    if payment.method == PaymentMethod.CARD:
        _flash_card_refund(vendor_order, _send_card_refund(payment.id))
    elif payment.status == PaymentStatus.SUCCEEDED:
        flash(_("Order %(code)s: a refund of %(amount)s was recorded as paid back.", code=vendor_order.code,
                amount=vnd(payment.amount)), "success")
    else:
        flash(_("Order %(code)s: a refund of %(amount)s was recorded. Enter the bank reference once you have "
                "paid it back.", code=vendor_order.code, amount=vnd(payment.amount)), "success")
    return _back_to(vendor_order_id)


@bp.route("/payments/<int:payment_id>/paid-back", methods=["POST"])
@cooperative_required
def record_paid_back(payment_id: int):
    form = paid_back_form(payment_id)
    return _settle_by_form(
        vendor_payments.refund_share(_cooperative_id(), payment_id, by_card=False), form,
        "payments/vendor_paid_back.html",
        lambda: refunds.record_paid_back(_cooperative_id(), payment_id, form.reference.data),
        already_settled=_("This refund was already settled. Nothing was changed."),
        done=lambda code: _("Order %(code)s: the refund was paid back (%(reference)s).", code=code,
                            reference=form.reference.data))


@bp.route("/payments/<int:payment_id>/send-refund", methods=["POST"])
@cooperative_required
def send_refund(payment_id: int):
    payment, vendor_order = _payment_or_404(vendor_payments.refund_share(_cooperative_id(), payment_id,
                                                                          by_card=True))
    if payment.status != PaymentStatus.PENDING:
        flash(_("This refund was already settled. Nothing was changed."), "error")
    elif payment.reference:  # the gateway has it: its report settles it
        _flash_card_refund(vendor_order, payment)
    else:
        _flash_card_refund(vendor_order, _send_card_refund(payment_id))
    return _back_to(vendor_order.id)


def _send_card_refund(payment_id: int) -> Payment:
    """The card refund after asking the gateway; still pending when the gateway refused the request
    (a configuration problem, logged) or did not answer."""
    try:
        return refunds.send_card_refund(payment_id, card.gateway())
    except GatewayRefused as refused:
        log.error("card gateway refused refund %s: %s", payment_id, refused.message)
        return db.session.get(Payment, payment_id)


def _flash_card_refund(vendor_order: VendorOrder, payment: Payment) -> None:
    amount = vnd(payment.amount)
    if payment.status == PaymentStatus.SUCCEEDED:
        flash(_("Order %(code)s: a refund of %(amount)s was sent to the buyer's card.", code=vendor_order.code,
                amount=amount), "success")
    elif payment.status == PaymentStatus.FAILED:
        flash(_("Order %(code)s: the card gateway refused the refund of %(amount)s. Nothing was refunded.",
                code=vendor_order.code, amount=amount), "error")
    elif payment.reference:
        flash(_("Order %(code)s: the card gateway is processing the refund of %(amount)s.", code=vendor_order.code,
                amount=amount), "success")
    else:
        flash(_("Order %(code)s: the refund of %(amount)s is recorded, but the card gateway did not answer. "
                "It waits to be sent again: use “Send the refund again” below.", code=vendor_order.code,
                amount=amount), "error")
