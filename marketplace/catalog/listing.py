"""The product list behind /products, cooperative storefronts and the JSON API:
filters, sort, pagination and facet counts, decided in one place."""
from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import lazyload

from ..common.folding import exact_words, terms
from ..extensions import db
from ..vendors.models import Cooperative, CooperativeStatus
from . import cache, search
from .models import Category, CertificationKind, Product, ProductCertification, ProductStatus

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
    approved = select(Cooperative.id).where(Cooperative.status == CooperativeStatus.APPROVED)
    return select(Product).where(Product.status == ProductStatus.PUBLISHED, Product.cooperative_id.in_(approved))


def valid_certification(kinds, today: date):
    return (
        select(ProductCertification.id)
        .where(
            ProductCertification.product_id == Product.id,
            ProductCertification.kind.in_(kinds),
            ProductCertification.valid_on(today),
        )
        .correlate(Product)
        .exists()
    )


def category_ids(slug: str) -> list[int]:
    """The category with this slug and its sub-categories."""
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise UnknownFilterValue("category")
    return [category.id, *(child.id for child in category.children)]


def _filtered(query: ProductQuery, today: date) -> Select:
    statement = visible_products()
    if query.category:
        statement = statement.where(Product.category_id.in_(category_ids(query.category)))
    if query.coop:
        coop_id = db.session.scalar(select(Cooperative.id).where(Cooperative.slug == query.coop))
        if coop_id is None:
            raise UnknownFilterValue("coop")
        statement = statement.where(Product.cooperative_id == coop_id)
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
    if words:
        statement = statement.where(Product.id.in_(search.matching_ids(words)))
    return statement


def _ordered(statement: Select, query: ProductQuery) -> Select:
    """Relevance is how well the name matches (all words, then as typed with diacritics, then as a
    phrase), then best sellers: cheap at any number of matches, unlike a per-row text score."""
    newest = (Product.published_at.desc(), Product.id.desc())
    bestselling = (Product.sold_count.desc(), *newest)
    if query.sort == Sort.PRICE_ASC:
        return statement.order_by(Product.price, Product.id)
    if query.sort == Sort.PRICE_DESC:
        return statement.order_by(Product.price.desc(), Product.id.desc())
    if query.sort == Sort.NEWEST:
        return statement.order_by(*newest)
    words = terms(query.q)
    if query.sort == Sort.BESTSELLING or not words:
        return statement.order_by(*bestselling)
    exact = exact_words(query.q)
    name_ids = search.name_matching_ids(words)
    ranking = [Product.id.in_(name_ids)]
    if exact:
        ranking.append(Product.id.in_(search.exact_ids(name_ids, exact)))
    if len(words) > 1:
        ranking.append(Product.id.in_(search.name_phrase_ids(words)))
    return statement.order_by(*(case((tier, 0), else_=1) for tier in ranking), *bestselling)


def _total_and_facets(statement: Select, today: date) -> tuple[int, dict[str, dict]]:
    """The number of results and their counts per category, province and certification.

    Categories and provinces come from one grouped pass over the results, which also gives the total.
    """
    by_category: Counter[int] = Counter()
    by_province: Counter[int] = Counter()
    grouped = statement.with_only_columns(Product.category_id, Product.origin_province_code, func.count())
    for category_id, province, count in db.session.execute(
        grouped.group_by(Product.category_id, Product.origin_province_code).order_by(None)
    ):
        by_category[category_id] += count
        by_province[province] += count
    by_cert = db.session.execute(
        statement.with_only_columns(ProductCertification.kind, func.count())
        .join_from(Product, ProductCertification, ProductCertification.product_id == Product.id)
        .where(ProductCertification.valid_on(today))
        .group_by(ProductCertification.kind)
        .order_by(None)
    )
    facets = {"category": dict(by_category), "province": dict(by_province), "cert": dict(by_cert.all())}
    return by_category.total(), facets


def find_products(query: ProductQuery, today: date, with_facets: bool = True) -> ProductResults:
    """One page of the visible products for the query, with the total and (optionally) facet counts.

    The total, facets and the page's ids come from the per-process cache while the catalog
    version holds (catalog.cache); the products themselves are always loaded fresh.
    """
    key = (query, today, with_facets)
    total, facets, ids = cache.results_cache().get_or_compute(
        key, cache.current_version(), lambda: _compute(query, today, with_facets)
    )
    # Cards show no certificates: skip their second query (the product page loads them).
    fresh = select(Product).where(Product.id.in_(ids)).options(lazyload(Product.certifications))
    found = {product.id: product for product in db.session.scalars(fresh)}
    items = [found[id_] for id_ in ids if id_ in found]
    return ProductResults(items=items, total=total, page=query.page, per_page=query.per_page, facets=facets)


def _compute(query: ProductQuery, today: date, with_facets: bool) -> tuple[int, dict, list[int]]:
    statement = _filtered(query, today)
    page = _ordered(statement, query).limit(query.per_page).offset((query.page - 1) * query.per_page)
    if with_facets:
        total, facets = _total_and_facets(statement, today)
        return total, facets, list(db.session.scalars(page.with_only_columns(Product.id))) if total else []
    if terms(query.q):
        # Ranking visits every match anyway: count them in the same pass.
        rows = db.session.execute(page.with_only_columns(Product.id, func.count().over())).all()
        if rows or query.page == 1:
            return (rows[0][1] if rows else 0), {}, [row[0] for row in rows]
    total = db.session.scalar(statement.with_only_columns(func.count(Product.id)).order_by(None))
    return total, {}, list(db.session.scalars(page.with_only_columns(Product.id))) if total else []
