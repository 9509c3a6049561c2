from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import Product
from ..database import enum_type, utcnow
from ..extensions import db


class MovementReason(enum.StrEnum):
    HARVEST = "harvest"  # a harvest or a receipt of goods
    SALE = "sale"
    CANCELLATION = "cancellation"  # an order cancelled: its units come back
    RETURN = "return"
    SPOILAGE = "spoilage"  # spoiled or lost
    CORRECTION = "correction"  # a manual count correction


class StockMovement(db.Model):
    """One change of a product's stock. The product's stock_quantity is their sum, kept in the same
    transaction by inventory.stock; rows are never changed or deleted."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        Index("ix_stock_movements_product_created", "product_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int]
    reason: Mapped[MovementReason] = mapped_column(enum_type(MovementReason))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What caused it, e.g. a vendor order's code for a sale.
    reference: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship()
    lot: Mapped["Lot | None"] = relationship()
    user: Mapped["User | None"] = relationship()  # noqa: F821


class Lot(db.Model):
    """A harvest or production lot, traceable by its code at /trace/<code>."""

    __tablename__ = "lots"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    harvested_on: Mapped[date]
    area: Mapped[str] = mapped_column(String(120), default="")
    practices: Mapped[str] = mapped_column(Text, default="")
    certification_refs: Mapped[str] = mapped_column(String(255), default="")
    quantity: Mapped[int]
    best_before: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship()
