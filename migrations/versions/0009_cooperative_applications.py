"""cooperative applications with documents; cooperatives keep their legal record and bank account

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 10:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OPEN = "status IN ('draft', 'submitted', 'changes_requested')"


def cooperative_columns():
    """The new columns; the server defaults fill the rows already there."""
    return [
        sa.Column('registration_number', sa.String(length=40), nullable=False, server_default=''),
        sa.Column('registration_date', sa.Date(), nullable=True),
        sa.Column('registration_authority', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('representative_name', sa.String(length=120), nullable=False, server_default=''),
        sa.Column('representative_title', sa.String(length=120), nullable=False, server_default=''),
        sa.Column('main_products', sa.String(length=300), nullable=False, server_default=''),
        sa.Column('bank_bin', sa.String(length=6), nullable=False, server_default=''),
        sa.Column('bank_account_number', sa.String(length=19), nullable=False, server_default=''),
        sa.Column('bank_account_holder', sa.String(length=120), nullable=False, server_default=''),
        sa.Column('status_reason', sa.Text(), nullable=False, server_default=''),
    ]


def upgrade():
    with op.batch_alter_table('cooperatives') as batch:
        for column in cooperative_columns():
            batch.add_column(column)
    op.create_table(
        'cooperative_applications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('applicant_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'approved', 'rejected',
                                   name='applicationstatus', native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column('legal_name', sa.String(length=255), nullable=False),
        sa.Column('display_name', sa.String(length=120), nullable=False),
        sa.Column('tax_code', sa.String(length=14), nullable=False),
        sa.Column('registration_number', sa.String(length=40), nullable=False),
        sa.Column('registration_date', sa.Date(), nullable=True),
        sa.Column('registration_authority', sa.String(length=200), nullable=False),
        sa.Column('province_code', sa.Integer(), nullable=True),
        sa.Column('ward_code', sa.Integer(), nullable=True),
        sa.Column('street_address', sa.String(length=255), nullable=False),
        sa.Column('representative_name', sa.String(length=120), nullable=False),
        sa.Column('representative_title', sa.String(length=120), nullable=False),
        sa.Column('phone', sa.String(length=16), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('bank_bin', sa.String(length=6), nullable=False),
        sa.Column('bank_account_number', sa.String(length=19), nullable=False),
        sa.Column('bank_account_holder', sa.String(length=120), nullable=False),
        sa.Column('founded_year', sa.Integer(), nullable=True),
        sa.Column('member_count', sa.Integer(), nullable=True),
        sa.Column('main_products', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('review_comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('cooperative_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('member_count IS NULL OR member_count >= 0',
                           name=op.f('ck_cooperative_applications_member_count')),
        sa.ForeignKeyConstraint(['applicant_id'], ['users.id'],
                                name=op.f('fk_cooperative_applications_applicant_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'],
                                name=op.f('fk_cooperative_applications_cooperative_id_cooperatives'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_cooperative_applications_decided_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperative_applications')),
    )
    op.create_index(op.f('ix_cooperative_applications_applicant_id'), 'cooperative_applications', ['applicant_id'])
    op.create_index(op.f('ix_cooperative_applications_status'), 'cooperative_applications', ['status'])
    op.create_index(op.f('ix_cooperative_applications_tax_code'), 'cooperative_applications', ['tax_code'])
    for name, column, condition in (
        ('uq_cooperative_applications_open_per_applicant', 'applicant_id', OPEN),
        ('uq_cooperative_applications_open_per_tax_code', 'tax_code', OPEN + " AND tax_code <> ''"),  # drafts may lack one
    ):
        op.create_index(name, 'cooperative_applications', [column], unique=True,
                        sqlite_where=sa.text(condition), postgresql_where=sa.text(condition))
    op.create_table(
        'application_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('registration', 'certification', 'other', name='documentkind',
                                 native_enum=False, create_constraint=True, length=20), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['cooperative_applications.id'],
                                name=op.f('fk_application_documents_application_id_cooperative_applications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application_documents')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_application_documents_stored_name')),
    )
    op.create_index(op.f('ix_application_documents_application_id'), 'application_documents', ['application_id'])


def downgrade():
    op.drop_table('application_documents')
    op.drop_table('cooperative_applications')
    with op.batch_alter_table('cooperatives') as batch:
        for column in cooperative_columns():
            batch.drop_column(column.name)
