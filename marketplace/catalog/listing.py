"""The product list behind /products, cooperative storefronts and the JSON API:
filters, sort, pagination and facet counts, decided in one place."""
from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import lazyload

from ..common.folding import exact_words, terms
from ..extensions import db
from ..vendors.models import Cooperative, CooperativeStatus
from . import cache, search
from .models import Category, CertificationKind, Product, ProductStatus

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


def is_visible(cooperative_joined: bool = False) -> ColumnElement[bool]:
    """The product is published by an approved cooperative: the only products the public ever sees.
    With the cooperatives table joined in the query its status is read there, else by a subquery."""
    approved = Cooperative.status == CooperativeStatus.APPROVED
    if not cooperative_joined:
        approved = Product.cooperative_id.in_(select(Cooperative.id).where(approved))
    return and_(Product.status == ProductStatus.PUBLISHED, approved)


def visible_products() -> Select:
    return select(Product).where(is_visible())


def certified(kinds, today: date):
    """The product holds a certificate of one of these kinds valid today."""
    return or_(*(Product.certified(kind, today) for kind in kinds))


def category_ids(slug: str) -> list[int]:
    """The category with this slug and its sub-categories."""
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise UnknownFilterValue("category")
    return [category.id, *(child.id for child in category.children)]


def _filtered(query: ProductQuery, today: date) -> Select:
    """The visible products passing every filter but the search words."""
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
        statement = statement.where(certified(query.certs, today))
    if query.min_price is not None:
        statement = statement.where(Product.price >= query.min_price)
    if query.max_price is not None:
        statement = statement.where(Product.price <= query.max_price)
    if query.in_stock:
        statement = statement.where(Product.stock_quantity > 0)
    return statement


# Up to this many matches are sorted; beyond, the best-selling index gives them in order.
SORTED_MATCHES = 5_000
NEWEST = (Product.published_at.desc(), Product.id.desc())
BESTSELLING = (Product.sold_count.desc(), *NEWEST)
SORTS = {
    Sort.PRICE_ASC: (Product.price, Product.id),
    Sort.PRICE_DESC: (Product.price.desc(), Product.id.desc()),
    Sort.NEWEST: NEWEST,
    Sort.BESTSELLING: BESTSELLING,
}


def _page_ids(filtered: Select, query: ProductQuery, total: int) -> list[int]:
    """The ids of the query's page, in its order, of the `total` products `filtered` and found by the words.

    Relevance is how well the name matches (all words, then as typed with diacritics, then as a
    phrase), then best sellers. Name matches are few and sorted on their own; the other matches
    follow in best-selling order: sorted too when they are few, and when they are many (a place
    name can match most of the catalog) read along the best-selling index, which stops after the page.
    """
    offset, limit = (query.page - 1) * query.per_page, query.per_page
    words = terms(query.q)
    if offset >= total:
        return []
    if query.sort != Sort.RELEVANCE or not words:
        return _ids(_found(filtered, words).order_by(*SORTS.get(query.sort, BESTSELLING)), offset, limit)
    named, tiers = search.by_name_with_tiers(filtered, words, exact_words(query.q))  # a name match is a match
    page = _ids(named.order_by(*(case((tier, 0), else_=1) for tier in tiers), *BESTSELLING), offset, limit)
    if len(page) == limit:
        return page
    named_count = offset + len(page) if page else _count(named)
    if total > SORTED_MATCHES:
        others = search.matching_not_by_name_in_bestselling_order(filtered, words)
    else:
        others = _found(filtered, words).where(Product.id.not_in(search.name_matching_ids(words)))
    return page + _ids(others.order_by(*BESTSELLING), max(0, offset - named_count), limit - len(page))


def _found(filtered: Select, words: list[str]) -> Select:
    return filtered.where(Product.id.in_(search.matching_ids(words))) if words else filtered


def _ids(statement: Select, offset: int, limit: int) -> list[int]:
    return list(db.session.scalars(statement.with_only_columns(Product.id).limit(limit).offset(offset)))


def _count(statement: Select) -> int:
    return db.session.scalar(statement.with_only_columns(func.count(Product.id)).order_by(None))


def _total_and_facets(statement: Select, today: date) -> tuple[int, dict[str, dict]]:
    """The number of results and their counts per category, province and certification,
    from one grouped pass over the results."""
    by_category: Counter[int] = Counter()
    by_province: Counter[int] = Counter()
    by_cert: Counter[str] = Counter()
    kinds = list(CertificationKind)
    certified = [func.sum(case((Product.certified(kind, today), 1), else_=0)) for kind in kinds]
    grouped = statement.with_only_columns(Product.category_id, Product.origin_province_code, func.count(), *certified)
    for category_id, province, count, *cert_counts in db.session.execute(
        grouped.group_by(Product.category_id, Product.origin_province_code).order_by(None)
    ):
        by_category[category_id] += count
        by_province[province] += count
        by_cert.update(dict(zip(kinds, cert_counts)))
    facets = {"category": dict(by_category), "province": dict(by_province),
              "cert": {kind: count for kind, count in by_cert.items() if count}}
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
    filtered = _filtered(query, today)
    found = _found(filtered, terms(query.q))
    total, facets = _total_and_facets(found, today) if with_facets else (_count(found), {})
    return total, facets, _page_ids(filtered, query, total)
