"""catalog listing indexes: filters and facet counts from one covering index, sorted pages without a sort

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 05:00:00

Measured on 50,000 products (bench/results/): filters, facet counts and relevance ranking read
only the covering index, never the table rows; each sort order of an unfiltered list walks its
own index and stops after one page instead of sorting every product.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Every list index carries the columns the filters read, so no filter, facet count or page ever
# reads a table row; with id in each, PostgreSQL answers from the index alone too (SQLite keeps
# the rowid in every index anyway).
FILTERED = ["cooperative_id", "category_id", "origin_province_code", "price", "stock_quantity"]
INDEXES = {
    "ix_products_visible": ["status", "cooperative_id", "category_id", "origin_province_code", "sold_count",
                            "published_at", "price", "stock_quantity", "id"],
    "ix_products_bestselling": ["status", "sold_count", "published_at", "id", *FILTERED],
    "ix_products_newest": ["status", "published_at", "id", *FILTERED],
    "ix_products_price": ["status", "price", "id", *(c for c in FILTERED if c != "price"), "sold_count",
                          "published_at"],
}


def upgrade():
    op.drop_index("ix_products_listing", table_name="products")
    for name, columns in INDEXES.items():
        op.create_index(name, "products", columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="products")
    op.create_index("ix_products_listing", "products", ["status", "cooperative_id", "price"])
