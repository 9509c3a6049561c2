"""Catalog queries. Only published products of approved cooperatives are ever public."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .listing import visible_products as _visible_products
from .models import Category, Product


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


def seasonal_products(month: int, limit: int) -> list[Product]:
    """Visible products with a season that includes this month, best sellers first."""
    in_season = Product.season_months.op("&")(1 << (month - 1)) != 0
    return list(
        db.session.scalars(
            _visible_products().where(in_season).order_by(Product.sold_count.desc(), Product.id).limit(limit)
        )
    )


def related_products(product: Product, limit: int) -> list[Product]:
    """Other visible products of the same category, best sellers first."""
    return list(
        db.session.scalars(
            _visible_products()
            .where(Product.category_id == product.category_id, Product.id != product.id)
            .order_by(Product.sold_count.desc(), Product.id)
            .limit(limit)
        )
    )


def public_product_slugs() -> list[str]:
    return list(db.session.scalars(_visible_products().with_only_columns(Product.slug).order_by(Product.id)))
