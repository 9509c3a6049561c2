"""Cooperative queries and rules."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..catalog.models import CertificationKind, Product, ProductCertification, ProductStatus
from ..common.folding import starts_words
from ..extensions import db
from .models import Cooperative, CooperativeStatus


def public_cooperative(slug: str) -> Cooperative | None:
    """The approved cooperative with this slug; None for unknown, pending, suspended or rejected ones."""
    return db.session.scalar(
        select(Cooperative).where(Cooperative.slug == slug, Cooperative.status == CooperativeStatus.APPROVED)
    )


def public_cooperatives(province: int | None = None, name: str = "") -> list[tuple[Cooperative, int]]:
    """Approved cooperatives with their number of published products, by name.

    `name` matches the starts of words of the folded display or legal name, so "quang hong"
    finds "HTX Quảng Hồng" (a province has a few hundred cooperatives: folded in Python).
    """
    published = (
        select(Product.cooperative_id, func.count(Product.id).label("n"))
        .where(Product.status == ProductStatus.PUBLISHED)
        .group_by(Product.cooperative_id)
        .subquery()
    )
    statement = (
        select(Cooperative, func.coalesce(published.c.n, 0))
        .outerjoin(published, published.c.cooperative_id == Cooperative.id)
        .where(Cooperative.status == CooperativeStatus.APPROVED)
        .order_by(Cooperative.name)
    )
    if province is not None:
        statement = statement.where(Cooperative.province_code == province)
    return [(coop, count) for coop, count in db.session.execute(statement)
            if starts_words(name, coop.name, coop.legal_name)]


def cooperative_certifications(cooperative_id: int, today: date) -> list[tuple[CertificationKind, int | None]]:
    """The certifications its published products hold today, with the most OCOP stars among them."""
    rows = db.session.execute(
        select(ProductCertification.kind, func.max(ProductCertification.ocop_stars))
        .join(Product, Product.id == ProductCertification.product_id)
        .where(
            Product.cooperative_id == cooperative_id,
            Product.status == ProductStatus.PUBLISHED,
            ProductCertification.valid_on(today),
        )
        .group_by(ProductCertification.kind)
    )
    return sorted(((kind, stars) for kind, stars in rows), key=lambda row: list(CertificationKind).index(row[0]))


def cooperatives_with_most_products(limit: int) -> list[tuple[Cooperative, int]]:
    """The approved cooperatives with the most published products, for the home page."""
    return sorted(public_cooperatives(), key=lambda row: -row[1])[:limit]


def product_counts_by_status(cooperative_id: int) -> dict[ProductStatus, int]:
    rows = db.session.execute(
        select(Product.status, func.count(Product.id))
        .where(Product.cooperative_id == cooperative_id)
        .group_by(Product.status)
    )
    counts = dict.fromkeys(ProductStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def cooperative_counts_by_status() -> dict[CooperativeStatus, int]:
    rows = db.session.execute(
        select(Cooperative.status, func.count(Cooperative.id)).group_by(Cooperative.status)
    )
    counts = dict.fromkeys(CooperativeStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def provinces_with_cooperatives() -> list[int]:
    return list(
        db.session.scalars(
            select(Cooperative.province_code)
            .where(Cooperative.status == CooperativeStatus.APPROVED)
            .distinct()
            .order_by(Cooperative.province_code)
        )
    )


def may_see_unpublished(user, cooperative_id: int) -> bool:
    """Admins and the cooperative's own members see what it has not (or no longer) made public."""
    if not user.is_authenticated:
        return False
    membership = user.membership
    return user.is_admin or (membership is not None and membership.cooperative_id == cooperative_id)
