"""audit log: one append-only table of security-relevant events

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 09:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=254), nullable=False),
        sa.Column('cooperative_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('target', sa.String(length=200), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('ip_address', sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'],
                                name=op.f('fk_audit_entries_cooperative_id_cooperatives'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    )
    op.create_index('ix_audit_entries_action_created', 'audit_entries', ['action', 'created_at'])
    op.create_index('ix_audit_entries_cooperative_created', 'audit_entries', ['cooperative_id', 'created_at'])
    op.create_index(op.f('ix_audit_entries_actor_id'), 'audit_entries', ['actor_id'])
    op.create_index(op.f('ix_audit_entries_created_at'), 'audit_entries', ['created_at'])


def downgrade():
    op.drop_table('audit_entries')
