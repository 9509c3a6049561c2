"""Catalog queries. Only published products of approved cooperatives are ever public."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .listing import visible_products as _visible_products
from .models import Category, Product


def newest_products(limit: int = 12) -> list[Product]:
    return list(
        db.session.scalars(
            _visible_products().order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
        )
    )


def categories_tree() -> list[Category]:
    """Top-level categories in their order, each with its sub-categories loaded."""
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.parent_id.is_(None))
            .options(selectinload(Category.children))
            .order_by(Category.position, Category.id)
        )
    )


def public_product(slug: str) -> Product | None:
    """The visible product with this slug, or None."""
    return db.session.scalar(_visible_products().where(Product.slug == slug))
