"""Payment records: every movement of money, kept once and never edited once settled.

A Payment is one movement (a buyer's payment, a refund, a fee, a payout) of a positive amount
in đồng; its allocations say which vendor orders it settles and how much of each. A pending
record settles once, to succeeded or failed; a correction is a new record. Card payments carry
the gateway's PaymentIntent id and the idempotency key of the attempt; each gateway event is
kept by its id, so a replayed webhook finds it already handled.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_type, utcnow
from ..extensions import db
from ..orders.models import Order, PaymentMethod, VendorOrder


class PaymentKind(enum.StrEnum):
    PAYMENT = "payment"  # from the buyer
    REFUND = "refund"  # back to the buyer
    FEE = "fee"  # kept by a gateway or carrier
    PAYOUT = "payout"  # from the platform to a cooperative


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Collector(enum.StrEnum):
    """Who took the cash at the door."""

    COOPERATIVE = "cooperative"  # its own staff
    CARRIER = "carrier"  # remits it later, with a reference


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_payments_status_method", "status", "method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PaymentKind] = mapped_column(enum_type(PaymentKind))
    method: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod))
    status: Mapped[PaymentStatus] = mapped_column(enum_type(PaymentStatus))
    amount: Mapped[int] = mapped_column(BigInteger)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # The bank's, gateway's or carrier's reference; for a card payment the PaymentIntent id.
    reference: Mapped[str] = mapped_column(String(120), default="")
    # One per attempt at the gateway: a retried request reuses it and never charges twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    collector: Mapped[Collector | None] = mapped_column(enum_type(Collector))
    # Why: a refund's reason, a difference from the amount due, a decline code.
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship()
    allocations: Mapped[list["PaymentAllocation"]] = relationship(
        back_populates="payment", order_by="PaymentAllocation.id", cascade="all, delete-orphan")
    recorded_by: Mapped["User | None"] = relationship()  # noqa: F821


class PaymentAllocation(db.Model):
    """How much of a payment settles one vendor order."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        UniqueConstraint("payment_id", "vendor_order_id", name="uq_payment_allocations_payment_vendor_order"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"))
    vendor_order_id: Mapped[int] = mapped_column(ForeignKey("vendor_orders.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    vendor_order: Mapped[VendorOrder] = relationship()


class GatewayEvent(db.Model):
    """A webhook event from the card gateway, kept by its id: the second delivery changes nothing."""

    __tablename__ = "gateway_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatementLineStatus(enum.StrEnum):
    OPEN = "open"  # read, not applied yet
    APPLIED = "applied"  # became a payment record
    IGNORED = "ignored"  # not a buyer's payment (the cooperative said so)


class StatementLine(db.Model):
    """A credit line of a cooperative's bank statement, imported once (by its fingerprint)."""

    __tablename__ = "statement_lines"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "fingerprint", name="uq_statement_lines_cooperative_fingerprint"),
        Index("ix_statement_lines_cooperative_status", "cooperative_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"))
    fingerprint: Mapped[str] = mapped_column(String(100))
    booked_on: Mapped[date]
    amount: Mapped[int] = mapped_column(BigInteger)
    message: Mapped[str] = mapped_column(String(500), default="")
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[StatementLineStatus] = mapped_column(enum_type(StatementLineStatus),
                                                       default=StatementLineStatus.OPEN)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    source_file: Mapped[str] = mapped_column(String(255), default="")
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatementMapping(db.Model):
    """A cooperative's column mapping for its bank's statement export, chosen once and remembered."""

    __tablename__ = "statement_mappings"
    __table_args__ = (UniqueConstraint("cooperative_id", "bank_bin", name="uq_statement_mappings_cooperative_bank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"))
    bank_bin: Mapped[str] = mapped_column(String(6))
    mapping: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
