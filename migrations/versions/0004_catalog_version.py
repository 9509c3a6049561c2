"""catalog version: one counter, bumped after each commit that changes what the storefront lists

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:30:00

Product-list results are cached per process under this version (marketplace/catalog/cache.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'catalog_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 0}])


def downgrade():
    op.drop_table('catalog_version')
