"""The product list behind /products, cooperative storefronts and the JSON API:
filters, sort, pagination and facet counts, decided in one place."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from ..common.folding import exact_words, terms
from ..extensions import db
from ..vendors.models import Cooperative, CooperativeStatus
from . import search
from .models import Category, CertificationKind, Product, ProductCertification, ProductSearchDocument, ProductStatus

PER_PAGE = 24
MAX_PER_PAGE = 100


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NEWEST = "newest"
    BESTSELLING = "bestselling"


class UnknownFilterValue(LookupError):
    """A filter names a category or cooperative that is not (publicly) there."""

    def __init__(self, field_name: str):
        super().__init__(field_name)
        self.field = field_name


@dataclass(frozen=True)
class ProductQuery:
    q: str = ""
    category: str | None = None
    coop: str | None = None
    province: int | None = None
    certs: tuple[CertificationKind, ...] = ()
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class ProductResults:
    items: list[Product]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def visible_products() -> Select:
    """Published products of approved cooperatives: the only ones the public ever sees."""
    return (
        select(Product)
        .join(Product.cooperative)
        .where(Product.status == ProductStatus.PUBLISHED, Cooperative.status == CooperativeStatus.APPROVED)
    )


def valid_certification(kinds, today: date):
    return exists().where(
        ProductCertification.product_id == Product.id,
        ProductCertification.kind.in_(kinds),
        or_(ProductCertification.expires_on.is_(None), ProductCertification.expires_on >= today),
    )


def category_ids(slug: str) -> list[int]:
    """The category with this slug and its sub-categories."""
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise UnknownFilterValue("category")
    return [category.id, *(child.id for child in category.children)]


def _filtered(query: ProductQuery, today: date) -> tuple[Select, object | None]:
    statement = visible_products()
    if query.category:
        statement = statement.where(Product.category_id.in_(category_ids(query.category)))
    if query.coop:
        if not db.session.scalar(select(exists().where(Cooperative.slug == query.coop))):
            raise UnknownFilterValue("coop")
        statement = statement.where(Cooperative.slug == query.coop)
    if query.province is not None:
        statement = statement.where(Product.origin_province_code == query.province)
    if query.certs:
        statement = statement.where(valid_certification(query.certs, today))
    if query.min_price is not None:
        statement = statement.where(Product.price >= query.min_price)
    if query.max_price is not None:
        statement = statement.where(Product.price <= query.max_price)
    if query.in_stock:
        statement = statement.where(Product.stock_quantity > 0)
    words = terms(query.q)
    matches = None
    if words:
        matches = search.matches(words).subquery("matches")
        statement = statement.join(matches, matches.c.product_id == Product.id)
    return statement, matches


def _ordered(statement: Select, query: ProductQuery, matches) -> Select:
    newest = (Product.published_at.desc(), Product.id.desc())
    if query.sort == Sort.PRICE_ASC:
        return statement.order_by(Product.price, Product.id)
    if query.sort == Sort.PRICE_DESC:
        return statement.order_by(Product.price.desc(), Product.id)
    if query.sort == Sort.NEWEST:
        return statement.order_by(*newest)
    if query.sort == Sort.BESTSELLING or matches is None:
        return statement.order_by(Product.sold_count.desc(), *newest)
    words, exact = terms(query.q), exact_words(query.q)
    ranking = [case((search.name_match(words), 0), else_=1)]
    if exact:
        ranking.append(case((search.exact_match(exact), 0), else_=1))
    if len(words) > 1:
        ranking.append(case((search.name_match([" ".join(words)]), 0), else_=1))
    return statement.join(ProductSearchDocument, ProductSearchDocument.product_id == Product.id).order_by(
        *ranking, matches.c.rank, Product.id
    )


def _facets(statement: Select, today: date) -> dict[str, dict]:
    ids = statement.with_only_columns(Product.id).subquery("facet_ids")
    by_category = db.session.execute(
        select(Product.category_id, func.count()).join(ids, ids.c.id == Product.id).group_by(Product.category_id)
    )
    by_province = db.session.execute(
        select(Product.origin_province_code, func.count())
        .join(ids, ids.c.id == Product.id)
        .group_by(Product.origin_province_code)
    )
    by_cert = db.session.execute(
        select(ProductCertification.kind, func.count())
        .join(ids, ids.c.id == ProductCertification.product_id)
        .where(or_(ProductCertification.expires_on.is_(None), ProductCertification.expires_on >= today))
        .group_by(ProductCertification.kind)
    )
    return {
        "category": dict(by_category.all()),
        "province": dict(by_province.all()),
        "cert": dict(by_cert.all()),
    }


def find_products(query: ProductQuery, today: date, with_facets: bool = True) -> ProductResults:
    statement, matches = _filtered(query, today)
    total = db.session.scalar(statement.with_only_columns(func.count(Product.id)).order_by(None))
    page_statement = (
        _ordered(statement, query, matches)
        .options(contains_eager(Product.cooperative))
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    )
    items = list(db.session.scalars(page_statement).unique())
    facets = _facets(statement, today) if with_facets else {}
    return ProductResults(items=items, total=total, page=query.page, per_page=query.per_page, facets=facets)
