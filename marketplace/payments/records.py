"""Payment records: the one place that writes them and the one place that settles them.

What a vendor order is owed, has been paid and refunded is always summed from the settled
records, never stored beside them, so it cannot drift. A payment that covers what is due of
an unpaid vendor order moves it to placed; the caller emails the buyer after the commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import BigInteger, case, cast, func, select

from ..database import utcnow
from ..extensions import db
from ..orders import fulfilment
from ..orders.models import Order, PaymentMethod, VendorOrder, VendorOrderEvent
from ..orders.states import Actor, TransitionRefused, VendorOrderState
from .models import Collector, Payment, PaymentAllocation, PaymentKind, PaymentStatus


class PaymentRefused(Exception):
    """Nothing was recorded; `reason` is one of the reasons below (for a message)."""

    def __init__(self, reason: str, amount: int = 0):
        super().__init__(reason)
        self.reason, self.amount = reason, amount


NOT_POSITIVE = "not_positive"
REFERENCE_NEEDED = "reference_needed"
DIFFERENCE_UNEXPLAINED = "difference_unexplained"
WRONG_METHOD = "wrong_method"
ALREADY_SETTLED = "already_settled"


# The buyers' card payments, and the refunds to their cards (conditions on Payment).
CARD_PAYMENTS = (Payment.kind == PaymentKind.PAYMENT, Payment.method == PaymentMethod.CARD)
CARD_REFUNDS = (Payment.kind == PaymentKind.REFUND, Payment.method == PaymentMethod.CARD)


@dataclass(frozen=True)
class Balance:
    due: int
    paid: int = 0
    refunded: int = 0
    refunding: int = 0  # refunds recorded, not yet settled

    @property
    def missing(self) -> int:
        return max(0, self.due - self.paid)

    @property
    def refundable(self) -> int:
        """What was paid less what is refunded or being refunded."""
        return self.paid - self.refunded - self.refunding

    @property
    def paid_in_full(self) -> bool:
        return self.paid >= self.due


def balances(vendor_order_ids: Iterable[int]) -> dict[int, Balance]:
    """Each vendor order's total, what settled records have paid and refunded of it, and the
    refunds still pending."""
    ids = list(vendor_order_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(VendorOrder.id, VendorOrder.total, _settled_sum(PaymentKind.PAYMENT), _settled_sum(PaymentKind.REFUND),
               _allocated_sum(PaymentKind.REFUND, PaymentStatus.PENDING))
        .outerjoin(PaymentAllocation, PaymentAllocation.vendor_order_id == VendorOrder.id)
        .outerjoin(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(VendorOrder.id.in_(ids)).group_by(VendorOrder.id, VendorOrder.total)).all()
    return {vendor_order_id: Balance(*sums) for vendor_order_id, *sums in rows}


def parts_with_money_missing(*conditions) -> list[tuple[int, str, int]]:
    """(id, code, what is missing) of the vendor orders meeting `conditions` (on VendorOrder and
    their Order) whose settled payments do not cover their total, in one query."""
    paid = _settled_sum(PaymentKind.PAYMENT)
    return [tuple(row) for row in db.session.execute(
        select(VendorOrder.id, VendorOrder.code, VendorOrder.total - paid)
        .join(Order, Order.id == VendorOrder.order_id)
        .outerjoin(PaymentAllocation, PaymentAllocation.vendor_order_id == VendorOrder.id)
        .outerjoin(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(*conditions).group_by(VendorOrder.id, VendorOrder.code, VendorOrder.total)
        .having(VendorOrder.total > paid).order_by(VendorOrder.id))]


def _settled_sum(kind: PaymentKind):
    return _allocated_sum(kind, PaymentStatus.SUCCEEDED)


def _allocated_sum(kind: PaymentKind, status: PaymentStatus):
    of_kind_and_status = (Payment.status == status) & (Payment.kind == kind)
    # Cast: PostgreSQL sums bigints as numeric, which would come back as Decimal, not đồng.
    return cast(func.coalesce(func.sum(case((of_kind_and_status, PaymentAllocation.amount), else_=0)), 0), BigInteger)


def order_balance(order: Order) -> Balance:
    """The whole order's: what its parts still going are owed, paid and refunded."""
    parts = balances(vo.id for vo in order.vendor_orders)
    going = [parts[vo.id] for vo in order.vendor_orders if vo.state != VendorOrderState.CANCELLED]
    return Balance(sum(b.due for b in going), sum(b.paid for b in parts.values()),
                   sum(b.refunded for b in parts.values()))


def record(kind: PaymentKind, method: PaymentMethod, order_id: int, allocations: dict[int, int], *,
           status: PaymentStatus, user=None, reference: str = "", collector: Collector | None = None,
           note: str = "", idempotency_key: str | None = None) -> Payment:
    """A new payment record in the caller's transaction (allocations: {vendor_order_id: amount})."""
    amount = sum(allocations.values())
    if amount <= 0 or any(part <= 0 for part in allocations.values()):
        raise PaymentRefused(NOT_POSITIVE)
    payment = Payment(kind=kind, method=method, status=status, amount=amount, order_id=order_id,
                      reference=reference.strip(), collector=collector, note=note.strip(),
                      idempotency_key=idempotency_key, recorded_by_id=user.id if user is not None else None,
                      settled_at=None if status == PaymentStatus.PENDING else utcnow())
    payment.allocations = [PaymentAllocation(vendor_order_id=vo_id, amount=part) for vo_id, part in allocations.items()]
    db.session.add(payment)
    db.session.flush()
    return payment


def card_payment_of(intent_id: str) -> Payment | None:
    """The card payment (an attempt) that made this PaymentIntent."""
    return db.session.scalar(select(Payment).where(*CARD_PAYMENTS, Payment.reference == intent_id))


def locked_payment(payment_id: int) -> Payment:
    payment = db.session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update()
                                .execution_options(populate_existing=True))
    if payment is None:
        raise LookupError(payment_id)
    return payment


def own_vendor_order(cooperative_id: int, vendor_order_id: int, *, locked: bool = False) -> VendorOrder:
    """The cooperative's vendor order (locked until the transaction ends); LookupError for another's."""
    statement = select(VendorOrder).where(VendorOrder.id == vendor_order_id, VendorOrder.cooperative_id == cooperative_id)
    vendor_order = db.session.scalar(statement.with_for_update() if locked else statement)
    if vendor_order is None:
        raise LookupError(vendor_order_id)
    return vendor_order


def owned_payment(cooperative_id: int, payment_id: int) -> Payment:
    """The payment, locked, when it settles a vendor order of this cooperative; LookupError else."""
    payment = locked_payment(payment_id)
    if db.session.get(VendorOrder, payment.allocations[0].vendor_order_id).cooperative_id != cooperative_id:
        raise LookupError(payment_id)
    return payment


def settle_with_reference(payment: Payment, reference: str) -> None:
    """Settle a pending record with a reference entered by hand (a bank's, a carrier's)."""
    if not reference.strip():
        raise PaymentRefused(REFERENCE_NEEDED)
    if not settle(payment, PaymentStatus.SUCCEEDED, reference=reference):
        raise PaymentRefused(ALREADY_SETTLED)


def settle(payment: Payment, status: PaymentStatus, *, reference: str = "", note: str = "") -> bool:
    """Settle a pending record once (locked by the caller); False when it already was."""
    if payment.status != PaymentStatus.PENDING:
        return False
    if status == PaymentStatus.PENDING:
        raise ValueError("settling means succeeded or failed")
    payment.status, payment.settled_at = status, utcnow()
    if reference:
        payment.reference = reference.strip()
    if note:
        payment.note = "\n".join(filter(None, [payment.note, note.strip()]))
    db.session.flush()
    return True


def release_paid_parts(vendor_order_ids: Iterable[int]) -> list[VendorOrderEvent]:
    """Unpaid parts that are now paid in full move to placed (in the caller's transaction)."""
    ids = sorted(set(vendor_order_ids))
    paid = balances(ids)
    waiting = db.session.scalars(select(VendorOrder.id).where(
        VendorOrder.id.in_(ids), VendorOrder.state == VendorOrderState.PENDING_PAYMENT)).all()
    events = []
    for vo_id in (vo_id for vo_id in waiting if paid[vo_id].paid_in_full):
        try:
            events.append(fulfilment.change_state(vo_id, VendorOrderState.PLACED, Actor.SYSTEM))
        except TransitionRefused:  # a concurrent payment released it first, or it expired meanwhile
            continue
    return events
