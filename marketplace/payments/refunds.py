"""Refunds, per vendor order, full or partial, with a reason.

The refund record is written (pending) and committed before any money moves. A card refund then
goes through the gateway with the record's idempotency key, so a retry never refunds twice; a
cash or transfer refund settles when the cooperative enters the bank reference of the money paid
back. Returned goods can go back to stock in the same transaction as the record.
"""
from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, cast, func, select

from ..extensions import db
from ..inventory.models import MovementReason
from ..inventory.stock import Movement, move_all
from ..orders.models import PaymentMethod, VendorOrder
from ..transaction import write_transaction
from . import records
from .gateway import Gateway, GatewayUnavailable
from .models import Payment, PaymentAllocation, PaymentKind, PaymentStatus
from .records import PaymentRefused

REASON_NEEDED = "reason_needed"
MORE_THAN_PAID = "more_than_paid"  # PaymentRefused.amount: what can still be refunded
NOT_SOLD_IN_IT = "not_sold_in_it"  # a returned quantity the vendor order did not sell


def refundable(vendor_order_id: int) -> int:
    """What was paid for this part less what is refunded or being refunded."""
    paid = records.balances([vendor_order_id])[vendor_order_id].paid
    refunding = db.session.scalar(
        select(cast(func.coalesce(func.sum(PaymentAllocation.amount), 0), BigInteger))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(PaymentAllocation.vendor_order_id == vendor_order_id, Payment.kind == PaymentKind.REFUND,
               Payment.status != PaymentStatus.FAILED))
    return paid - refunding


@write_transaction
def record_refund(cooperative_id: int, vendor_order_id: int, user, amount: int, reason: str, *,
                  reference: str = "", returned: dict[int, int] | None = None) -> Payment:
    """A refund of `amount` of this cooperative's part; `returned` ({product_id: quantity}) goes
    back to stock. Cash and transfer refunds with a bank reference are settled at once."""
    vendor_order = db.session.scalar(select(VendorOrder).where(VendorOrder.id == vendor_order_id).with_for_update())
    if vendor_order is None or vendor_order.cooperative_id != cooperative_id:
        raise LookupError(vendor_order_id)
    if not reason.strip():
        raise PaymentRefused(REASON_NEEDED)
    left = refundable(vendor_order_id)
    if amount > left:
        raise PaymentRefused(MORE_THAN_PAID, left)
    method = vendor_order.order.payment_method
    settled_now = method != PaymentMethod.CARD and bool(reference.strip())
    payment = records.record(
        PaymentKind.REFUND, method, vendor_order.order_id, {vendor_order_id: amount},
        status=PaymentStatus.SUCCEEDED if settled_now else PaymentStatus.PENDING, user=user,
        reference=reference, note=reason,
        idempotency_key=f"refund-{vendor_order.code}-{secrets.token_hex(8)}" if method == PaymentMethod.CARD else None)
    _restock(vendor_order, returned or {}, user)
    return payment


def _restock(vendor_order: VendorOrder, returned: dict[int, int], user) -> None:
    sold = {line.product_id: line.quantity for line in vendor_order.lines if line.product_id is not None}
    if any(product_id not in sold or not 0 < quantity <= sold[product_id] for product_id, quantity in returned.items()):
        raise PaymentRefused(NOT_SOLD_IN_IT)
    if returned:
        move_all([Movement(product_id, quantity, vendor_order.code) for product_id, quantity in sorted(returned.items())],
                 MovementReason.RETURN, user=user)


def send_card_refund(payment_id: int, gateway: Gateway) -> Payment:
    """Ask the gateway to refund a pending card refund (again, after a failure: same key, one
    refund). The gateway being down leaves it pending for a later try."""
    payment = db.session.get(Payment, payment_id)
    if payment.status != PaymentStatus.PENDING or payment.method != PaymentMethod.CARD:
        return payment
    try:
        refund = gateway.refund(_card_intent_of(payment), payment.amount, payment.idempotency_key)
    except GatewayUnavailable:
        return payment
    return _settle_card_refund(payment_id, refund.id, refund.status)


@write_transaction
def _settle_card_refund(payment_id: int, refund_id: str, gateway_status: str) -> Payment:
    payment = records.locked_payment(payment_id)
    if gateway_status == "succeeded":
        records.settle(payment, PaymentStatus.SUCCEEDED, reference=refund_id)
    elif gateway_status in ("failed", "canceled"):
        records.settle(payment, PaymentStatus.FAILED, reference=refund_id, note=f"gateway: {gateway_status}")
    else:  # pending at the gateway: its reference is kept, a later sync settles it
        payment.reference = refund_id
    return payment


def _card_intent_of(refund: Payment) -> str:
    """The PaymentIntent that paid the refunded vendor order."""
    vendor_order_id = refund.allocations[0].vendor_order_id
    return db.session.scalar(
        select(Payment.reference).join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .where(PaymentAllocation.vendor_order_id == vendor_order_id, Payment.kind == PaymentKind.PAYMENT,
               Payment.method == PaymentMethod.CARD, Payment.status == PaymentStatus.SUCCEEDED)
        .order_by(Payment.id.desc()).limit(1))


@write_transaction
def record_paid_back(cooperative_id: int, payment_id: int, reference: str) -> Payment:
    """A cash or transfer refund was paid back to the buyer: it settles with the bank reference."""
    payment = records.locked_payment(payment_id)
    owner = db.session.get(VendorOrder, payment.allocations[0].vendor_order_id).cooperative_id
    if owner != cooperative_id or payment.kind != PaymentKind.REFUND or payment.method == PaymentMethod.CARD:
        raise LookupError(payment_id)
    if not reference.strip():
        raise PaymentRefused(records.REFERENCE_NEEDED)
    if not records.settle(payment, PaymentStatus.SUCCEEDED, reference=reference):
        raise PaymentRefused(records.ALREADY_SETTLED)
    return payment
