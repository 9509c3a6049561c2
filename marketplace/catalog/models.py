from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    or_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..common.money import VatRate
from ..database import enum_type, utcnow
from ..extensions import db
from ..vendors.models import Cooperative


class CertificationKind(enum.StrEnum):
    OCOP = "ocop"
    VIETGAP = "vietgap"
    ORGANIC = "organic"


MAX_PRICE = 1_000_000_000


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Category(db.Model):
    """Two levels: a top category and its sub-categories. Names are data, in both languages."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_vi: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped["Category | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Category"]] = relationship(back_populates="parent")

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


# A certificate without an expiry date, as the product's copy of its validity stores it.
NO_EXPIRY = date(9999, 12, 31)
# The product's copy of its certificates' validity: the expiry of its certificate of each kind.
VALID_UNTIL = {kind: f"{kind}_valid_until" for kind in CertificationKind}
# The columns the product-list filters read, carried by each list index (migrations 0003, 0007).
_FILTERED = ("cooperative_id", "category_id", "origin_province_code", "price", "stock_quantity",
             *VALID_UNTIL.values())


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
        CheckConstraint("season_months >= 0 AND season_months < 4096", name="season_months"),
        CheckConstraint(f"price <= {MAX_PRICE}", name="price_at_most_a_billion"),
        CheckConstraint("compare_at_price IS NULL OR compare_at_price > price", name="compare_at_above_price"),
        CheckConstraint("weight_grams >= 0", name="weight_not_negative"),
        CheckConstraint("min_order_quantity >= 1", name="min_order_quantity"),
        CheckConstraint("max_order_quantity IS NULL OR max_order_quantity >= min_order_quantity",
                        name="max_order_quantity"),
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold"),
        # A SKU is unique within its cooperative; many products have none.
        Index("uq_products_cooperative_sku", "cooperative_id", "sku", unique=True,
              sqlite_where=text("sku <> ''"), postgresql_where=text("sku <> ''")),
        # The product list (migration 0003): filters, facets and ranking read only this index...
        Index("ix_products_visible", "status", "cooperative_id", "category_id", "origin_province_code",
              "sold_count", "published_at", "price", "stock_quantity", *VALID_UNTIL.values(), "id"),
        # ...and each sort order of an unfiltered list walks its own and stops after a page.
        Index("ix_products_bestselling", "status", "sold_count", "published_at", "id", *_FILTERED),
        Index("ix_products_newest", "status", "published_at", "id", *_FILTERED),
        Index("ix_products_price", "status", "price", "id", *(c for c in _FILTERED if c != "price"), "sold_count",
              "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(30))
    # Money is an integer number of đồng.
    price: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[ProductStatus] = mapped_column(
        enum_type(ProductStatus), default=ProductStatus.DRAFT, index=True
    )
    # Where it is grown or made: a commune/ward code and its province (vietnam-provinces).
    origin_ward_code: Mapped[int]
    origin_province_code: Mapped[int] = mapped_column(index=True)
    # Bit m-1 set for each month m of the season; 0 means all year round.
    season_months: Mapped[int] = mapped_column(default=0)
    # On-hand stock; the listings issue adds the stock movements this caches.
    stock_quantity: Mapped[int] = mapped_column(default=0)
    # Units sold, kept by the orders module; orders the "best selling" sort.
    sold_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    # What a listing adds (the listings issue): a crossed-out price, VAT, shipping weight, limits.
    compare_at_price: Mapped[int | None] = mapped_column(BigInteger)
    vat_rate: Mapped[VatRate] = mapped_column(enum_type(VatRate), default=VatRate.NOT_SUBJECT)
    weight_grams: Mapped[int] = mapped_column(default=0)
    min_order_quantity: Mapped[int] = mapped_column(default=1)
    max_order_quantity: Mapped[int | None]
    sku: Mapped[str] = mapped_column(String(40), default="")
    low_stock_threshold: Mapped[int] = mapped_column(default=5)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Copies of the certifications' expiry (NO_EXPIRY when none; NULL without a certificate of the
    # kind), kept in step on every flush, so filters and facet counts never join certifications.
    ocop_valid_until: Mapped[date | None]
    vietgap_valid_until: Mapped[date | None]
    organic_valid_until: Mapped[date | None]

    cooperative: Mapped[Cooperative] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")
    certifications: Mapped[list["ProductCertification"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", lazy="selectin"
    )
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position", lazy="selectin"
    )

    def certifications_valid_on(self, day: date) -> list["ProductCertification"]:
        return [cert for cert in self.certifications if cert.valid_on(day)]

    @classmethod
    def certified(cls, kind: CertificationKind, day: date):
        """SQL: the product holds a certificate of this kind valid on the day."""
        return getattr(cls, VALID_UNTIL[kind]) >= day

    def copy_certification_validity(self, certifications: list["ProductCertification"]) -> None:
        expiry = {cert.kind: cert.expires_on or NO_EXPIRY for cert in certifications}
        for kind, attribute in VALID_UNTIL.items():
            setattr(self, attribute, expiry.get(kind))


class ProductCertification(db.Model):
    """OCOP stars, VietGAP or organic, with the certificate's number and expiry."""

    __tablename__ = "product_certifications"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'ocop' AND ocop_stars BETWEEN 3 AND 5) OR (kind <> 'ocop' AND ocop_stars IS NULL)",
            name="ocop_stars",
        ),
        UniqueConstraint("product_id", "kind", name="uq_product_certifications_product_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    kind: Mapped[CertificationKind] = mapped_column(enum_type(CertificationKind), index=True)
    ocop_stars: Mapped[int | None]
    certificate_number: Mapped[str] = mapped_column(String(60), default="")
    expires_on: Mapped[date | None]

    product: Mapped[Product] = relationship(back_populates="certifications")

    @hybrid_method
    def valid_on(self, day: date) -> bool:
        return self.expires_on is None or self.expires_on >= day

    @valid_on.expression
    def valid_on(cls, day: date):
        return or_(cls.expires_on.is_(None), cls.expires_on >= day)


class ProductImage(db.Model):
    """A product photo, re-encoded as WebP at a few widths under random names (vendors.images)."""

    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Files are "<stored_name>-<width>.webp" for each of `widths` (comma-separated, ascending).
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    widths: Mapped[str] = mapped_column(String(40))
    # Of the widest rendition; the others keep its aspect ratio.
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")

    def sources(self) -> list[tuple[str, int]]:
        """(file name, real width) of each rendition, narrowest first: each was fitted into a
        square of its nominal width, never enlarged."""
        longest = max(self.width, self.height)
        return [(f"{self.stored_name}-{nominal}.webp", round(self.width * min(1, int(nominal) / longest)))
                for nominal in self.widths.split(",")]


class ProductSearchDocument(db.Model):
    """The accent-folded text a product is found by, rebuilt by catalog.search.reindex_products().

    SQLite indexes it with an FTS5 table (product_fts) kept in step by triggers;
    PostgreSQL with a generated tsvector column and a GIN index (both made by the migration).
    """

    __tablename__ = "product_search_documents"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    name: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # The name lower-cased with its diacritics: exact-diacritic matches rank first.
    name_exact: Mapped[str] = mapped_column(Text)


class CatalogVersion(db.Model):
    """One row counting the committed changes to what the storefront lists (see catalog.cache)."""

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


@event.listens_for(Session, "before_flush")
def _copy_certification_validity(session: Session, flush_context, instances) -> None:
    """Keep each product's copy of its certificates' validity in step with them."""
    changed = {cert.product for cert in (*session.new, *session.dirty, *session.deleted)
               if isinstance(cert, ProductCertification) and cert.product is not None}
    changed.update(product for product in (*session.new, *session.dirty) if isinstance(product, Product)
                   and inspect(product).attrs.certifications.history.has_changes())
    for product in changed:
        if product not in session.deleted:
            product.copy_certification_validity(
                [cert for cert in product.certifications if cert not in session.deleted])
