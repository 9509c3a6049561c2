"""Catalog queries. Only published products of approved cooperatives are ever public."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..vendors.models import Cooperative, CooperativeStatus
from .models import Product, ProductStatus


def _visible_products():
    return (
        select(Product)
        .join(Product.cooperative)
        .where(
            Product.status == ProductStatus.PUBLISHED,
            Cooperative.status == CooperativeStatus.APPROVED,
        )
    )


def newest_products(limit: int = 12) -> list[Product]:
    return list(
        db.session.scalars(
            _visible_products().order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
        )
    )
