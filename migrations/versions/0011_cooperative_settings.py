"""cooperative settings: logo and cover, shipping fees, a bank account change waiting for verification

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 11:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def cooperative_columns():
    """The new columns; the server defaults fill the rows already there (no image, free shipping
    until the owner sets fees, no pending bank change)."""
    return [
        sa.Column('pending_bank_bin', sa.String(length=6), nullable=False, server_default=''),
        sa.Column('pending_bank_account_number', sa.String(length=19), nullable=False, server_default=''),
        sa.Column('pending_bank_account_holder', sa.String(length=120), nullable=False, server_default=''),
        sa.Column('pending_bank_requested_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('logo_image', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('cover_image', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('shipping_flat_fee', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('shipping_fee_per_kg', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('free_shipping_threshold', sa.Integer(), nullable=True),
        sa.Column('in_province_flat_fee', sa.Integer(), nullable=True),
        sa.Column('in_province_fee_per_kg', sa.Integer(), nullable=True),
    ]


def upgrade():
    with op.batch_alter_table('cooperatives') as batch:
        for column in cooperative_columns():
            batch.add_column(column)


def downgrade():
    with op.batch_alter_table('cooperatives') as batch:
        for column in cooperative_columns():
            batch.drop_column(column.name)
