"""A cooperative's products as its staff manage them: every function is scoped to one cooperative,
so an id from a URL or a form never reaches another cooperative's product."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..catalog.availability import months_mask
from ..catalog.models import CertificationKind, Product, ProductCertification, ProductStatus, VatRate
from ..catalog.search import reindex_products
from ..common.folding import free_slug, slug, starts_words
from ..database import utcnow
from ..extensions import db
from ..inventory import stock
from ..inventory.models import MovementReason, StockMovement
from ..transaction import write_transaction

PER_PAGE = 50


class SkuTaken(Exception):
    """Another product of the cooperative has this SKU."""


@dataclass(frozen=True)
class Certificate:
    kind: CertificationKind
    number: str
    expires_on: date | None
    ocop_stars: int | None = None


@dataclass(frozen=True)
class ProductValues:
    """What the product form (or a CSV row) says about a product."""

    name: str
    category_id: int
    description: str
    unit: str
    price: int
    compare_at_price: int | None
    vat_rate: VatRate
    weight_grams: int
    min_order_quantity: int
    max_order_quantity: int | None
    sku: str
    low_stock_threshold: int
    origin_ward_code: int
    origin_province_code: int
    season: tuple[int, ...]
    certificates: tuple[Certificate, ...]
    publish: bool


def product_of(cooperative_id: int, product_id: int) -> Product:
    """The cooperative's product with this id; LookupError for any other (another's, or none)."""
    product = db.session.get(Product, product_id)
    if product is None or product.cooperative_id != cooperative_id:
        raise LookupError(product_id)
    return product


def products_of(cooperative_id: int, *, search: str = "", status: ProductStatus | None = None,
                category_id: int | None = None) -> list[Product]:
    statement = select(Product).where(Product.cooperative_id == cooperative_id).order_by(Product.name)
    if status is not None:
        statement = statement.where(Product.status == status)
    if category_id is not None:
        statement = statement.where(Product.category_id == category_id)
    return [p for p in db.session.scalars(statement) if starts_words(search, p.name, p.sku)]


def _unique_slug(name: str) -> str:
    base = slug(name)[:100] or "san-pham"
    return free_slug(base, set(db.session.scalars(select(Product.slug).where(Product.slug.like(f"{base}%")))))


def _apply(product: Product, values: ProductValues) -> None:
    for name in ("name", "category_id", "description", "unit", "price", "compare_at_price", "vat_rate",
                 "weight_grams", "min_order_quantity", "max_order_quantity", "sku", "low_stock_threshold",
                 "origin_ward_code", "origin_province_code"):
        setattr(product, name, getattr(values, name))
    product.season_months = months_mask(values.season)
    kept = {cert.kind: cert for cert in product.certifications}
    product.certifications = [
        _certificate(kept.get(c.kind), c) for c in values.certificates
    ]
    if values.publish and product.status != ProductStatus.PUBLISHED:
        product.status, product.published_at = ProductStatus.PUBLISHED, product.published_at or utcnow()
    elif not values.publish and product.status == ProductStatus.PUBLISHED:
        product.status = ProductStatus.DRAFT


def _certificate(existing: ProductCertification | None, wanted: Certificate) -> ProductCertification:
    certificate = existing or ProductCertification(kind=wanted.kind)
    certificate.certificate_number = wanted.number
    certificate.expires_on = wanted.expires_on
    certificate.ocop_stars = wanted.ocop_stars
    return certificate


@write_transaction
def save_product(cooperative_id: int, product_id: int | None, values: ProductValues,
                 opening_stock: int = 0, user=None, reindex: bool = True) -> Product:
    """Create (product_id None) or update the cooperative's product; raises SkuTaken.

    `reindex=False` leaves its search document to the caller, who saves many and reindexes once."""
    if product_id is None:
        product = Product(cooperative_id=cooperative_id, status=ProductStatus.DRAFT,
                          slug=_unique_slug(values.name))
    else:
        product = product_of(cooperative_id, product_id)
    if product.status == ProductStatus.ARCHIVED and values.publish:
        product.status = ProductStatus.DRAFT  # publishing an archived product brings it back
    _apply(product, values)
    db.session.add(product)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise SkuTaken(values.sku) from exc
    if opening_stock:
        stock.move(product.id, opening_stock, MovementReason.HARVEST, user=user, note="opening stock")
    if reindex:
        reindex_products([product.id])
    return product


@write_transaction
def archive(cooperative_id: int, product_id: int) -> None:
    """Hidden from buyers and from the cooperative's active list; its history and lots stay."""
    product = product_of(cooperative_id, product_id)
    product.status = ProductStatus.ARCHIVED


@write_transaction
def set_stock(cooperative_id: int, product_id: int, counted: int, user, note: str = "") -> int:
    """Make the stock what was counted, by one correction movement of the difference from the stock
    as read; the difference is applied atomically, so a sale that lands meanwhile is not lost."""
    product = product_of(cooperative_id, product_id)
    difference = counted - product.stock_quantity
    if difference:
        stock.move(product.id, difference, MovementReason.CORRECTION, user=user, note=note)
    return difference


@write_transaction
def record_movement(cooperative_id: int, product_id: int, quantity: int, reason: MovementReason, user,
                    note: str = "") -> None:
    product_of(cooperative_id, product_id)
    stock.move(product_id, quantity, reason, user=user, note=note)


def movements_of(cooperative_id: int, product_id: int, limit: int = 200) -> list[StockMovement]:
    product_of(cooperative_id, product_id)
    return list(db.session.scalars(select(StockMovement).where(StockMovement.product_id == product_id)
                                   .options(selectinload(StockMovement.user))  # the page names who moved each
                                   .order_by(StockMovement.created_at.desc(), StockMovement.id.desc()).limit(limit)))


def low_stock_products(cooperative_id: int) -> list[Product]:
    """Published products at or below their low-stock threshold."""
    return list(db.session.scalars(select(Product).where(
        Product.cooperative_id == cooperative_id, Product.status == ProductStatus.PUBLISHED,
        Product.stock_quantity <= Product.low_stock_threshold).order_by(Product.stock_quantity, Product.name)))
