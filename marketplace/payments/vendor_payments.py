"""A cooperative's payment records as its pages show them: a vendor order's money, the records
of all its orders a page at a time, the carriers' collections and the refunds still to settle.
Every function is scoped to one cooperative, so an id from a URL never reaches another's records."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..orders.models import PaymentMethod, VendorOrder
from . import records
from .models import Collector, Payment, PaymentAllocation, PaymentKind, PaymentStatus
from .records import Balance

PER_PAGE = 50


def awaits_remittance(payment: Payment) -> bool:
    """A carrier collected the cash and has not paid it over yet."""
    return payment.collector == Collector.CARRIER and payment.status == PaymentStatus.PENDING


def awaits_settling(payment: Payment) -> bool:
    """A refund not yet paid back (cash, transfer) or not yet through the gateway (card)."""
    return payment.kind == PaymentKind.REFUND and payment.status == PaymentStatus.PENDING


@dataclass(frozen=True)
class OrderPayments:
    """A vendor order's money: its balance and its shares of payment records (oldest first)."""

    balance: Balance
    allocations: list[PaymentAllocation]

    @property
    def refundable(self) -> int:
        return self.balance.refundable

    @property
    def awaiting_remittance(self) -> list[Payment]:
        return [share.payment for share in self.allocations if awaits_remittance(share.payment)]

    @property
    def refunds_to_settle(self) -> list[Payment]:
        return [share.payment for share in self.allocations if awaits_settling(share.payment)]


def order_payments(cooperative_id: int, vendor_order_id: int) -> OrderPayments:
    shares = db.session.scalars(
        _own_shares(cooperative_id).where(PaymentAllocation.vendor_order_id == vendor_order_id)
        .order_by(Payment.created_at, Payment.id)).all()
    return OrderPayments(records.balances([vendor_order_id])[vendor_order_id], list(shares))


@dataclass(frozen=True)
class RecordsPage:
    rows: list[PaymentAllocation]
    has_next: bool


def records_page(cooperative_id: int, page: int) -> RecordsPage:
    """One page of the shares of the cooperative's payment records, newest first."""
    rows = db.session.scalars(
        _own_shares(cooperative_id).order_by(Payment.created_at.desc(), Payment.id.desc(), PaymentAllocation.id)
        .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    return RecordsPage(list(rows[:PER_PAGE]), len(rows) > PER_PAGE)


def collections_awaiting_remittance(cooperative_id: int) -> list[PaymentAllocation]:
    """The carriers' collections not yet paid over, oldest first."""
    return _pending(cooperative_id, Payment.collector == Collector.CARRIER)


def refunds_to_settle(cooperative_id: int) -> list[PaymentAllocation]:
    """The refunds not yet paid back or sent, oldest first."""
    return _pending(cooperative_id, Payment.kind == PaymentKind.REFUND)


def collection_share(cooperative_id: int, payment_id: int) -> PaymentAllocation | None:
    """The cooperative's share of a carrier's collection, with its record and vendor order."""
    return _share(cooperative_id, payment_id, Payment.collector == Collector.CARRIER)


def refund_share(cooperative_id: int, payment_id: int, *, by_card: bool) -> PaymentAllocation | None:
    """The cooperative's share of a refund to a card (by_card) or paid back by hand."""
    method = Payment.method == PaymentMethod.CARD if by_card else Payment.method != PaymentMethod.CARD
    return _share(cooperative_id, payment_id, Payment.kind == PaymentKind.REFUND, method)


def _own_shares(cooperative_id: int):
    """The cooperative's shares of payment records, each with its record and vendor order."""
    return (select(PaymentAllocation).join(PaymentAllocation.payment).join(PaymentAllocation.vendor_order)
            .options(contains_eager(PaymentAllocation.payment).joinedload(Payment.recorded_by),
                     contains_eager(PaymentAllocation.vendor_order))
            .where(VendorOrder.cooperative_id == cooperative_id))


def _pending(cooperative_id: int, *conditions) -> list[PaymentAllocation]:
    return list(db.session.scalars(
        _own_shares(cooperative_id).where(Payment.status == PaymentStatus.PENDING, *conditions)
        .order_by(Payment.created_at, Payment.id)).all())


def _share(cooperative_id: int, payment_id: int, *conditions) -> PaymentAllocation | None:
    return db.session.scalar(_own_shares(cooperative_id).where(PaymentAllocation.payment_id == payment_id,
                                                                *conditions))
