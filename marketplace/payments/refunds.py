"""Refunds, per vendor order, full or partial, with a reason.

The refund record is written (pending) and committed before any money moves. A card refund then
goes through the gateway with the record's idempotency key, so a retry never refunds twice; a
cash or transfer refund settles when the cooperative enters the bank reference of the money paid
back. Returned goods can go back to stock in the same transaction as the record.

What the gateway reports about the refunds of a PaymentIntent (webhooks, sync-payments) is applied
through apply_gateway_refund: it settles our record of that refund, or records a refund made
outside Co-op Market (in the gateway's dashboard), so that no movement of money is missed.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..inventory.models import MovementReason
from ..inventory.stock import Movement, move_all
from ..orders.models import PaymentMethod, VendorOrder
from ..transaction import write_transaction
from . import records
from .gateway import Gateway, GatewayRefused, GatewayUnavailable, Refund
from .models import Payment, PaymentAllocation, PaymentKind, PaymentStatus
from .records import PaymentRefused

REASON_NEEDED = "reason_needed"
MORE_THAN_PAID = "more_than_paid"  # PaymentRefused.amount: what can still be refunded
NOT_SOLD_IN_IT = "not_sold_in_it"  # a returned quantity the vendor order did not sell
# What a refund record's note says (for people who read the records).
REFUNDED_AT_GATEWAY = "refunded_at_gateway"  # made outside Co-op Market, recorded from the gateway's report
# The gateway's refund statuses that mean no money moved.
UNDONE = frozenset({"failed", "canceled"})

log = logging.getLogger(__name__)


def refundable(vendor_order_id: int) -> int:
    """What was paid for this part less what is refunded or being refunded."""
    return records.balances([vendor_order_id])[vendor_order_id].refundable


@write_transaction
def record_refund(cooperative_id: int, vendor_order_id: int, user, amount: int, reason: str, *,
                  reference: str = "", returned: dict[int, int] | None = None) -> Payment:
    """A refund of `amount` of this cooperative's part; `returned` ({product_id: quantity}) goes
    back to stock. Cash and transfer refunds with a bank reference are settled at once."""
    vendor_order = records.own_vendor_order(cooperative_id, vendor_order_id, locked=True)
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
    try:
        return _send(payment_id, gateway)
    except GatewayUnavailable:
        return db.session.get(Payment, payment_id)


def _send(payment_id: int, gateway: Gateway) -> Payment:
    payment = db.session.get(Payment, payment_id)
    if payment.status != PaymentStatus.PENDING or payment.method != PaymentMethod.CARD:
        return payment
    refund = gateway.refund(_card_intent_of(payment), payment.amount, payment.idempotency_key)
    return _settle_card_refund(payment_id, refund.id, refund.status)


@write_transaction
def _settle_card_refund(payment_id: int, refund_id: str, gateway_status: str, failure_reason: str = "") -> Payment:
    payment = records.locked_payment(payment_id)
    if gateway_status == "succeeded":
        records.settle(payment, PaymentStatus.SUCCEEDED, reference=refund_id)
    elif gateway_status in UNDONE:
        note = f"gateway: {gateway_status}" + (f": {failure_reason}" if failure_reason else "")
        if not records.settle(payment, PaymentStatus.FAILED, reference=refund_id, note=note):
            log.warning("the gateway reports refund %s %s after refund record %s was settled %s",
                        refund_id, gateway_status, payment_id, payment.status)
    elif payment.status == PaymentStatus.PENDING:  # pending at the gateway: a later report settles it
        payment.reference = refund_id
    return payment


def _card_intent_of(refund: Payment) -> str:
    """The PaymentIntent that paid the refunded vendor order."""
    vendor_order_id = refund.allocations[0].vendor_order_id
    return db.session.scalar(
        select(Payment.reference).join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .where(PaymentAllocation.vendor_order_id == vendor_order_id, *records.CARD_PAYMENTS,
               Payment.status == PaymentStatus.SUCCEEDED)
        .order_by(Payment.id.desc()).limit(1))


@write_transaction
def record_paid_back(cooperative_id: int, payment_id: int, reference: str) -> Payment:
    """A cash or transfer refund was paid back to the buyer: it settles with the bank reference."""
    payment = records.owned_payment(cooperative_id, payment_id)
    if payment.kind != PaymentKind.REFUND or payment.method == PaymentMethod.CARD:
        raise LookupError(payment_id)
    records.settle_with_reference(payment, reference)
    return payment


# --- what the gateway reports ----------------------------------------------------------------

@write_transaction
def apply_gateway_refund(refund: Refund) -> Payment | None:
    """Bring our records in line with a refund as the gateway reports it: settle our record of it,
    else record it as made outside Co-op Market. None when it is about no card payment of ours or
    moved no money. Applying the same report again changes nothing."""
    payment_id = _record_of(refund)
    if payment_id is not None:
        return _settle_card_refund(payment_id, refund.id, refund.status, refund.failure_reason)
    if refund.status in UNDONE:
        return None
    return _record_outside_refund(refund)


def _record_of(refund: Refund) -> int | None:
    """Our record of this refund: the one with its id, else a pending one of ours that the gateway
    made this refund for but whose answer was lost (never answered, same intent, same amount)."""
    known = db.session.scalar(select(Payment.id).where(*records.CARD_REFUNDS, Payment.reference == refund.id))
    if known is not None:
        return known
    paid = records.card_payment_of(refund.intent_id)
    if paid is None:
        return None
    unanswered = db.session.scalars(select(Payment).where(
        *records.CARD_REFUNDS, Payment.status == PaymentStatus.PENDING, Payment.reference == "",
        Payment.amount == refund.amount, Payment.order_id == paid.order_id).order_by(Payment.id)).all()
    return next((payment.id for payment in unanswered if _card_intent_of(payment) == refund.intent_id), None)


def _record_outside_refund(refund: Refund) -> Payment | None:
    """A refund made in the gateway's dashboard, shared among the parts the intent paid in proportion
    to what each can still be refunded. More than that is recorded all the same (the money moved),
    with a note."""
    paid = records.card_payment_of(refund.intent_id)
    if paid is None:
        return None
    paid = records.locked_payment(paid.id)  # one such recording at a time for this payment
    parts = [allocation.vendor_order_id for allocation in paid.allocations]
    balances = records.balances(parts)
    left = {vo_id: max(0, balances[vo_id].refundable) for vo_id in parts}
    weights = left if sum(left.values()) else {a.vendor_order_id: a.amount for a in paid.allocations}
    notes = [f"{REFUNDED_AT_GATEWAY}: {refund.id}"]
    if refund.amount > sum(left.values()):
        notes.append(f"{MORE_THAN_PAID}: only {sum(left.values())} could still be refunded")
    return records.record(
        PaymentKind.REFUND, PaymentMethod.CARD, paid.order_id, split_proportionally(refund.amount, weights),
        status=PaymentStatus.SUCCEEDED if refund.status == "succeeded" else PaymentStatus.PENDING,
        reference=refund.id, note="\n".join(notes), idempotency_key=f"gateway-{refund.id}")


def split_proportionally(amount: int, weights: dict[int, int]) -> dict[int, int]:
    """`amount` shared in proportion to the (non-negative, not all zero) weights, in whole đồng, the
    remainder on the last part that has weight; parts that get nothing are left out."""
    total = sum(weights.values())
    shares = {key: amount * weight // total for key, weight in weights.items()}
    last = next(key for key in reversed(weights) if weights[key])
    shares[last] += amount - sum(shares.values())
    return {key: share for key, share in shares.items() if share > 0}


# --- sync-payments ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RefundSync:
    settled: int = 0
    still_pending: int = 0
    unreachable: int = 0  # the gateway did not answer about them


def sync_pending_refunds(gateway: Gateway) -> RefundSync:
    """Every pending card refund: its intent's refunds are read again from the gateway (a refund
    whose answer was lost is found there, a pending one may have settled), then the ones the
    gateway still does not have are sent again, with their own idempotency key."""
    pending = db.session.scalars(select(Payment.id).where(*records.CARD_REFUNDS, Payment.status == PaymentStatus.PENDING)
                                 .order_by(Payment.id)).all()
    counts = dict(settled=0, still_pending=0, unreachable=0)
    for payment_id in pending:
        counts[_synced(payment_id, gateway)] += 1
    return RefundSync(**counts)


def _synced(payment_id: int, gateway: Gateway) -> str:
    payment = db.session.get(Payment, payment_id)
    intent_id = _card_intent_of(payment)
    if intent_id is None:
        log.warning("card refund %s has no succeeded card payment to refund", payment_id)
        return "still_pending"
    try:
        for refund in gateway.refunds_of(intent_id):
            apply_gateway_refund(refund)
        if payment.status == PaymentStatus.PENDING and not payment.reference:
            payment = _send(payment_id, gateway)
    except GatewayUnavailable:
        return "unreachable"
    except GatewayRefused as refused:
        log.warning("the gateway refused card refund %s: %s", payment_id, refused.message)
        return "still_pending"
    return "still_pending" if payment.status == PaymentStatus.PENDING else "settled"
