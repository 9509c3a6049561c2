"""The low-stock digest each cooperative's people get by email (flask --app wsgi notify-low-stock, from cron)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalog.models import Product
from ..extensions import db
from .models import Cooperative, CooperativeMember, CooperativeStatus
from .products import low_stock_products


@dataclass(frozen=True)
class Digest:
    cooperative: Cooperative
    products: list[Product]
    recipients: list[str]


def low_stock_digests() -> list[Digest]:
    """For each approved or suspended cooperative with published products at or below their
    threshold: those products and the emails of its owner and staff."""
    cooperatives = db.session.scalars(select(Cooperative).where(
        Cooperative.status.in_((CooperativeStatus.APPROVED, CooperativeStatus.SUSPENDED))).order_by(Cooperative.id)
        .options(selectinload(Cooperative.members).selectinload(CooperativeMember.user)))
    digests = []
    for cooperative in cooperatives:
        products = low_stock_products(cooperative.id)
        if products:
            recipients = sorted(member.user.email for member in cooperative.members)
            digests.append(Digest(cooperative, products, recipients))
    return digests
