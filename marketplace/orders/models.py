from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import Product
from ..common.money import VatRate
from ..database import enum_type, utcnow
from ..extensions import db
from ..vendors.models import Cooperative
from .states import Actor, VendorOrderState


class CartItem(db.Model):
    """A line of a logged-in buyer's saved cart (a guest's cart lives in the session)."""

    __tablename__ = "cart_items"
    __table_args__ = (
        UniqueConstraint("user_id", "product_id", name="uq_cart_items_user_product"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    quantity: Mapped[int]
    # The unit price when it was put in the cart: the cart says when the price has changed since.
    price_when_added: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship()


class PaymentMethod(enum.StrEnum):
    COD = "cod"
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"


class InvoiceType(enum.StrEnum):
    NONE = "none"
    PERSONAL = "personal"
    COMPANY = "company"


class Order(db.Model):
    """What a buyer placed in one checkout; each cooperative's part is a VendorOrder.

    Amounts are integer đồng as the buyer pays them (VAT included)."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Shown to people (CHX-26481930); random, not counted, so it tells nobody how much is sold.
    number: Mapped[str] = mapped_column(String(16), unique=True)
    # The one-time token of the checkout form: a second submission finds this order.
    checkout_token: Mapped[str] = mapped_column(String(64), unique=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254), default="")
    province_code: Mapped[int]
    ward_code: Mapped[int]
    address_line: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    payment_method: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod))
    invoice_type: Mapped[InvoiceType] = mapped_column(enum_type(InvoiceType), default=InvoiceType.NONE)
    invoice_name: Mapped[str] = mapped_column(String(255), default="")
    invoice_tax_code: Mapped[str] = mapped_column(String(14), default="")
    invoice_address: Mapped[str] = mapped_column(String(255), default="")
    invoice_email: Mapped[str] = mapped_column(String(254), default="")
    items_total: Mapped[int] = mapped_column(BigInteger)
    shipping_total: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    buyer: Mapped["User | None"] = relationship()  # noqa: F821
    vendor_orders: Mapped[list["VendorOrder"]] = relationship(
        back_populates="order", order_by="VendorOrder.id", cascade="all, delete-orphan")


class VendorOrder(db.Model):
    """One cooperative's part of an order: it fulfils it and moves it along orders.states."""

    __tablename__ = "vendor_orders"
    __table_args__ = (
        UniqueConstraint("order_id", "cooperative_id", name="uq_vendor_orders_order_cooperative"),
        Index("ix_vendor_orders_cooperative_state_created", "cooperative_id", "state", "created_at"),
        Index("ix_vendor_orders_state_reserved_until", "state", "reserved_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"))
    # The order's number and a part number (CHX-26481930-2): on packing slips and stock movements.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    state: Mapped[VendorOrderState] = mapped_column(enum_type(VendorOrderState))
    items_total: Mapped[int] = mapped_column(BigInteger)
    shipping_fee: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    weight_grams: Mapped[int] = mapped_column(default=0)
    # Until when the stock of an unpaid part stays reserved (pending_payment only).
    reserved_until: Mapped[datetime | None]
    carrier: Mapped[str] = mapped_column(String(80), default="")
    tracking_number: Mapped[str] = mapped_column(String(60), default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="vendor_orders")
    cooperative: Mapped[Cooperative] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="vendor_order", order_by="OrderLine.id", cascade="all, delete-orphan")
    events: Mapped[list["VendorOrderEvent"]] = relationship(
        back_populates="vendor_order", order_by="VendorOrderEvent.id", cascade="all, delete-orphan")


class OrderLine(db.Model):
    """A product as it was sold: name, unit, price and VAT rate are copied, not looked up later."""

    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_order_id: Mapped[int] = mapped_column(ForeignKey("vendor_orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    product_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    vat_rate: Mapped[VatRate] = mapped_column(enum_type(VatRate))
    quantity: Mapped[int]
    amount: Mapped[int] = mapped_column(BigInteger)
    weight_grams: Mapped[int] = mapped_column(default=0)  # of one unit

    vendor_order: Mapped[VendorOrder] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()


class VendorOrderEvent(db.Model):
    """A state change of a vendor order: who, when, from where to where, and why. Never changed."""

    __tablename__ = "vendor_order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_order_id: Mapped[int] = mapped_column(ForeignKey("vendor_orders.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[VendorOrderState | None] = mapped_column(enum_type(VendorOrderState, "from_state"))
    to_state: Mapped[VendorOrderState] = mapped_column(enum_type(VendorOrderState, "to_state"))
    actor: Mapped[Actor] = mapped_column(enum_type(Actor))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    vendor_order: Mapped[VendorOrder] = relationship(back_populates="events")
    user: Mapped["User | None"] = relationship()  # noqa: F821


class SavedAddress(db.Model):
    """A delivery address a logged-in buyer keeps for their next checkout."""

    __tablename__ = "saved_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(16))
    province_code: Mapped[int]
    ward_code: Mapped[int]
    address_line: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
