"""The product search index: folded documents, and matching them on SQLite or PostgreSQL.

Both databases get the same behaviour (a shared table of cases runs against each):
every query word must match the start of a word somewhere in the product's name,
category, cooperative, origin or description, diacritics and case ignored.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    delete,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import selectinload

from ..common.folding import fold
from ..common.places import province_name, ward_name
from ..extensions import db
from .models import Category, Product, ProductSearchDocument

NAME_WEIGHT = 10.0
FTS_TABLE = "product_fts"
PG_DOCUMENT_INDEX = "ix_product_search_documents_document"
_BATCH = 500


def include_in_autogenerate(name: str | None, type_: str, parent_names: dict) -> bool:
    """Keep the database-specific search objects (made by migration 0002) out of autogenerate."""
    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == "document" and parent_names.get("table_name") == "product_search_documents":
        return False
    return not (type_ == "index" and name == PG_DOCUMENT_INDEX)


def document_for(product: Product) -> ProductSearchDocument:
    category = product.category
    places = [ward_name(product.origin_ward_code), province_name(product.origin_province_code)]
    coop = product.cooperative
    body_parts = [
        category.name_vi,
        category.name_en,
        category.parent.name_vi if category.parent else "",
        category.parent.name_en if category.parent else "",
        coop.name,
        coop.legal_name,
        *places,
        product.description,
    ]
    return ProductSearchDocument(
        product_id=product.id,
        name=fold(product.name),
        body=fold(" ".join(body_parts)),
        name_exact=product.name.lower(),
    )


def reindex_products(product_ids: Iterable[int] | None = None) -> int:
    """Rebuild the search documents of these products (all when None) in the caller's transaction."""
    query = select(Product).options(selectinload(Product.category).selectinload(Category.parent))
    ids = None if product_ids is None else sorted(set(product_ids))
    count = 0
    chunks = [ids[i:i + _BATCH] for i in range(0, len(ids), _BATCH)] if ids is not None else [None]
    for chunk in chunks:
        if chunk is None:
            db.session.execute(delete(ProductSearchDocument))
            products = db.session.scalars(query).all()
        else:
            db.session.execute(delete(ProductSearchDocument).where(ProductSearchDocument.product_id.in_(chunk)))
            products = db.session.scalars(query.where(Product.id.in_(chunk))).all()
        db.session.add_all(document_for(product) for product in products)
        db.session.flush()
        count += len(products)
    return count


def products_missing_documents() -> list[int]:
    return list(db.session.scalars(
        select(Product.id).outerjoin(ProductSearchDocument).where(ProductSearchDocument.product_id.is_(None))
    ))


def matches(terms: list[str]) -> Select:
    """(product_id, rank) of the products matching every term; a lower rank is a better match."""
    if db.session.get_bind().dialect.name == "sqlite":
        fts = table(FTS_TABLE, column("rowid"))
        expression = " AND ".join(f'"{term}"*' for term in terms)
        return (
            select(
                fts.c.rowid.label("product_id"),
                func.bm25(literal_column(FTS_TABLE), NAME_WEIGHT, 1.0).label("rank"),
            )
            .select_from(fts)
            .where(text(f"{FTS_TABLE} MATCH :expression").bindparams(expression=expression))
        )
    query = func.to_tsquery("simple", " & ".join(f"{term}:*" for term in terms))
    document = column("document")
    return select(
        ProductSearchDocument.product_id.label("product_id"),
        (-func.ts_rank(document, query)).label("rank"),
    ).where(document.op("@@")(query))


def name_match(terms: list[str]) -> ColumnElement[bool]:
    """True when every term starts a word of the product's name (name matches rank first)."""
    padded = literal(" ") + ProductSearchDocument.name
    return and_(*(padded.contains(" " + term, autoescape=True) for term in terms))


def exact_match(words: list[str]) -> ColumnElement[bool]:
    """True when the name holds every word as typed, diacritics included."""
    return and_(*(ProductSearchDocument.name_exact.contains(word, autoescape=True) for word in words))
