"""Every model, imported in one place for the app, Alembic and the tests."""
from __future__ import annotations

from sqlalchemy import select

from .accounts.models import PasswordResetToken, User
from .audit.models import AuditEntry
from .catalog.models import (
    Category,
    CertificationKind,
    Product,
    ProductCertification,
    ProductImage,
    ProductSearchDocument,
    ProductStatus,
    VatRate,
)
from .extensions import db
from .inventory.models import Lot, MovementReason, StockMovement
from .orders.models import CartItem, Order, OrderLine, SavedAddress, VendorOrder, VendorOrderEvent
from .payments.models import GatewayEvent, Payment, PaymentAllocation, StatementLine, StatementMapping
from .vendors.models import (
    ApplicationDocument,
    ApplicationStatus,
    Cooperative,
    CooperativeApplication,
    CooperativeInvitation,
    CooperativeMember,
    CooperativeStatus,
    DocumentKind,
    MemberRole,
)

__all__ = [
    "CartItem",
    "Order",
    "OrderLine",
    "SavedAddress",
    "VendorOrder",
    "VendorOrderEvent",
    "GatewayEvent",
    "Payment",
    "PaymentAllocation",
    "StatementLine",
    "StatementMapping",
    "ApplicationDocument",
    "ApplicationStatus",
    "CooperativeApplication",
    "CooperativeInvitation",
    "DocumentKind",
    "AuditEntry",
    "Category",
    "CertificationKind",
    "Cooperative",
    "CooperativeMember",
    "CooperativeStatus",
    "MemberRole",
    "PasswordResetToken",
    "Product",
    "Lot",
    "MovementReason",
    "ProductCertification",
    "ProductImage",
    "StockMovement",
    "VatRate",
    "ProductSearchDocument",
    "ProductStatus",
    "User",
    "load_user",
]


def load_user(session_token: str) -> User | None:
    return db.session.scalar(select(User).where(User.session_token == session_token))
