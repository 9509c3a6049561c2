"""Translated words for the values of the app's enums, for templates: {{ label(status) }}."""
from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from .catalog.availability import StockStatus
from .catalog.listing import Sort
from .catalog.models import CertificationKind, ProductStatus
from .inventory.models import MovementReason
from .orders.models import InvoiceType, PaymentMethod
from .orders.states import Actor, VendorOrderState
from .payments.models import Collector, PaymentKind, PaymentStatus
from .i18n import current_language
from .vendors.models import ApplicationStatus, CooperativeStatus, DocumentKind, MemberRole


class EnumWords(Mapping):
    """Words for enum members, given as one dict per enum. Members of different StrEnums with the
    same value are equal (Actor.COOPERATIVE == Collector.COOPERATIVE == "cooperative") and would
    share one dict key: each is kept under its enum as well."""

    def __init__(self, *groups: dict[enum.Enum, object]):
        self._words = {(type(member), member): word for group in groups for member, word in group.items()}

    def __getitem__(self, member: enum.Enum) -> object:
        return self._words[type(member), member]

    def __iter__(self) -> Iterator[enum.Enum]:
        return (member for _enum, member in self._words)

    def __len__(self) -> int:
        return len(self._words)


LABELS = EnumWords({
    CooperativeStatus.PENDING: _l("Waiting for approval"),
    CooperativeStatus.APPROVED: _l("Approved"),
    CooperativeStatus.SUSPENDED: _l("Suspended"),
    CooperativeStatus.REJECTED: _l("Rejected"),
}, {
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted, waiting for review"),
    ApplicationStatus.CHANGES_REQUESTED: _l("Changes requested"),
    ApplicationStatus.APPROVED: _l("Approved"),
    ApplicationStatus.REJECTED: _l("Rejected"),
}, {
    DocumentKind.REGISTRATION: _l("Registration certificate"),
    DocumentKind.CERTIFICATION: _l("Certification"),
    DocumentKind.OTHER: _l("Other document"),
}, {
    MemberRole.OWNER: _l("Owner"),
    MemberRole.STAFF: _l("Staff"),
}, {
    ProductStatus.DRAFT: _l("Draft"),
    ProductStatus.PUBLISHED: _l("Published"),
    ProductStatus.ARCHIVED: _l("Archived"),
}, {
    MovementReason.HARVEST: _l("Harvest or goods received"),
    MovementReason.SALE: _l("Sale"),
    MovementReason.CANCELLATION: _l("Order cancelled"),
    MovementReason.RETURN: _l("Returned by a buyer"),
    MovementReason.SPOILAGE: _l("Spoiled or lost"),
    MovementReason.CORRECTION: _l("Correction"),
}, {
    StockStatus.IN_STOCK: _l("In stock"),
    StockStatus.LOW_STOCK: _l("Only a few left"),
    StockStatus.OUT_OF_STOCK: _l("Out of stock"),
    StockStatus.OUT_OF_SEASON: _l("Out of season"),
}, {
    CertificationKind.OCOP: _l("OCOP"),
    CertificationKind.VIETGAP: _l("VietGAP"),
    CertificationKind.ORGANIC: _l("Organic"),
}, {
    Sort.RELEVANCE: _l("Most relevant"),
    Sort.PRICE_ASC: _l("Price: low to high"),
    Sort.PRICE_DESC: _l("Price: high to low"),
    Sort.NEWEST: _l("Newest"),
    Sort.BESTSELLING: _l("Best selling"),
}, {
    # A vendor order's state as the cooperative reads it (the buyer's pages word two of them their way).
    VendorOrderState.PENDING_PAYMENT: _l("Waiting for payment"),
    VendorOrderState.PLACED: _l("New"),
    VendorOrderState.CONFIRMED: _l("Confirmed"),
    VendorOrderState.PACKED: _l("Packed"),
    VendorOrderState.SHIPPED: _l("Shipped"),
    VendorOrderState.DELIVERED: _l("Delivered"),
    VendorOrderState.COMPLETED: _l("Completed"),
    VendorOrderState.CANCELLED: _l("Cancelled"),
}, {
    Actor.BUYER: _l("Buyer"),
    Actor.COOPERATIVE: _l("Cooperative"),
    Actor.SYSTEM: _l("Automatic"),
}, {
    PaymentMethod.COD: _l("Cash on delivery"),
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer"),
    PaymentMethod.CARD: _l("Card"),
}, {
    InvoiceType.NONE: _l("No invoice"),
    InvoiceType.PERSONAL: _l("E-invoice in my name"),
    InvoiceType.COMPANY: _l("E-invoice for a company"),
}, {
    # What a payment record's kind, status and collector are called on the cooperative's pages.
    PaymentKind.PAYMENT: _l("Buyer's payment"),
    PaymentKind.REFUND: _l("Refund"),
    PaymentKind.FEE: _l("Fee"),
    PaymentKind.PAYOUT: _l("Payout"),
}, {
    PaymentStatus.PENDING: _l("Waiting"),
    PaymentStatus.SUCCEEDED: _l("Settled"),
    PaymentStatus.FAILED: _l("Failed"),
}, {
    Collector.COOPERATIVE: _l("Our staff"),
    Collector.CARRIER: _l("The carrier"),
})


def label(value: enum.Enum) -> str:
    return _translated(value, current_language())


@lru_cache(maxsize=512, typed=True)  # typed: equal members of different enums are cached apart
def _translated(value: enum.Enum, locale: str) -> str:
    # Stock badges are on every product card; a translation per card costs more than the rest of it.
    return str(LABELS[value])
