"""What the storefront templates show about a product list: chips, facets, sorting, pages."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ..catalog import services as catalog
from ..catalog.availability import StockStatus, stock_status
from ..catalog.listing import ProductQuery, ProductResults, Sort
from ..catalog.models import CertificationKind, Product
from ..common.places import province_name
from ..common.querystring import with_changes
from ..common.vntime import vietnam_today
from ..i18n import current_language, vnd
from ..labels import label

def availability(product: Product) -> StockStatus:
    return stock_status(product.stock_quantity, product.season_months, vietnam_today().month)


def valid_certifications(product: Product) -> list:
    return product.certifications_valid_on(vietnam_today())


@dataclass
class Link:
    text: str
    url: str
    count: int | None = None
    active: bool = False


class ListingView:
    """Links and labels of one product list page, from its path and query string."""

    def __init__(self, path: str, args, query: ProductQuery | None = None, results: ProductResults | None = None):
        self.path, self.args = path, args
        self.query, self.results = query or ProductQuery(), results
        self.facets = results.facets if results else {}
        self._categories = catalog.categories_tree()

    def url(self, **changes) -> str:
        return with_changes(self.path, self.args, **changes)

    def page_url(self, page: int) -> str:
        return with_changes(self.path, self.args, drop=(), page=page if page > 1 else None)

    def page_numbers(self) -> list[int]:
        last, current = self.results.pages, self.query.page
        window = {1, last, *range(max(1, current - 2), min(last, current + 2) + 1)}
        return sorted(window)

    def category_name(self, category) -> str:
        return category.name(current_language())

    def chips(self) -> list[Link]:
        query, chips = self.query, []
        if query.q:
            chips.append(Link(f"“{query.q}”", self.url(q=None)))
        names = {c.slug: c for c in catalog.all_categories(self._categories)}
        if query.category in names:
            chips.append(Link(self.category_name(names[query.category]), self.url(category=None)))
        if query.province is not None:
            chips.append(Link(province_name(query.province), self.url(province=None)))
        for kind in query.certs:
            chips.append(Link(label(kind), self.url(remove_value=("cert", kind.value))))
        if query.min_price is not None:
            chips.append(Link(_("from %(price)s", price=vnd(query.min_price)), self.url(min_price=None)))
        if query.max_price is not None:
            chips.append(Link(_("up to %(price)s", price=vnd(query.max_price)), self.url(max_price=None)))
        if query.in_stock:
            chips.append(Link(_("In stock"), self.url(in_stock=None)))
        return chips

    def category_facets(self) -> list[tuple[Link, list[Link]]]:
        counts = self.facets.get("category", {})
        facets = []
        for top in self._categories:
            children = [
                Link(self.category_name(c), self.url(category=c.slug), counts[c.id], c.slug == self.query.category)
                for c in top.children
                if counts.get(c.id)
            ]
            total = counts.get(top.id, 0) + sum(child.count for child in children)
            if total:
                facets.append((Link(self.category_name(top), self.url(category=top.slug), total,
                                    top.slug == self.query.category), children))
        return facets

    def province_facets(self) -> list[Link]:
        return [
            Link(province_name(code), self.url(province=code), count, code == self.query.province)
            for code, count in sorted(self.facets.get("province", {}).items(), key=lambda item: -item[1])
        ]

    def cert_facets(self) -> list[Link]:
        counts = self.facets.get("cert", {})
        return [
            Link(label(kind), self.url(cert=[*self.args.getlist("cert"), kind.value]), counts[kind],
                 kind in self.query.certs)
            for kind in CertificationKind
            if counts.get(kind)
        ]

    def sort_options(self) -> list[Link]:
        return [Link(label(sort), sort.value, active=sort == self.query.sort) for sort in Sort]
