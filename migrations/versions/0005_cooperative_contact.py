"""cooperative contact: phone and email shown to buyers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 04:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cooperatives') as batch_op:
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=255), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('cooperatives') as batch_op:
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_phone')
