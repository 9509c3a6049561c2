"""Catalog queries. Only published products of approved cooperatives are ever public."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from . import cache
from .listing import visible_products as _visible_products
from .models import Category, Product


@dataclass(frozen=True)
class CategoryNode:
    """A category as plain data, safe to share between requests (cached with the catalog version)."""

    id: int
    slug: str
    name_vi: str
    name_en: str
    children: tuple[CategoryNode, ...] = ()

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


def categories_tree() -> list[CategoryNode]:
    """Top-level categories in their order, each with its sub-categories."""
    return cache.results_cache().get_or_compute(("categories",), cache.current_version(), _load_categories_tree)


def all_categories(tree: list[CategoryNode]) -> list[CategoryNode]:
    """Every category of the tree, each top one followed by its sub-categories."""
    return [node for top in tree for node in (top, *top.children)]


def _load_categories_tree() -> list[CategoryNode]:
    def node(category: Category, children=()) -> CategoryNode:
        return CategoryNode(category.id, category.slug, category.name_vi, category.name_en, tuple(children))

    tops = db.session.scalars(
        select(Category)
        .where(Category.parent_id.is_(None))
        .options(selectinload(Category.children))
        .order_by(Category.position, Category.id)
    )
    return [node(top, (node(child) for child in sorted(top.children, key=lambda c: (c.position, c.id))))
            for top in tops]


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
