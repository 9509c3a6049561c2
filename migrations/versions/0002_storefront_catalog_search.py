"""storefront: product origin, season, stock, certifications, search index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 20:05:00

The search index differs by database: an FTS5 table kept in step by triggers on SQLite,
a generated tsvector column with a GIN index on PostgreSQL. Documents are (re)built by
`flask --app wsgi reindex-search`.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE product_fts USING fts5(name, body, content='product_search_documents', "
    "content_rowid='product_id', prefix='1 2 3')",
    "CREATE TRIGGER product_fts_after_insert AFTER INSERT ON product_search_documents BEGIN "
    "INSERT INTO product_fts(rowid, name, body) VALUES (new.product_id, new.name, new.body); END",
    "CREATE TRIGGER product_fts_after_delete AFTER DELETE ON product_search_documents BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, name, body) VALUES ('delete', old.product_id, old.name, old.body); END",
    "CREATE TRIGGER product_fts_after_update AFTER UPDATE ON product_search_documents BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, name, body) VALUES ('delete', old.product_id, old.name, old.body); "
    "INSERT INTO product_fts(rowid, name, body) VALUES (new.product_id, new.name, new.body); END",
]
POSTGRES_INDEX = [
    "ALTER TABLE product_search_documents ADD COLUMN document tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED",
    "CREATE INDEX ix_product_search_documents_document ON product_search_documents USING gin (document)",
]


def upgrade():
    op.create_table('product_certifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ocop', 'vietgap', 'organic', name='certificationkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('ocop_stars', sa.Integer(), nullable=True),
    sa.Column('certificate_number', sa.String(length=60), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.CheckConstraint("(kind = 'ocop' AND ocop_stars BETWEEN 3 AND 5) OR (kind <> 'ocop' AND ocop_stars IS NULL)", name=op.f('ck_product_certifications_ocop_stars')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_certifications_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_certifications')),
    sa.UniqueConstraint('product_id', 'kind', name='uq_product_certifications_product_kind')
    )
    with op.batch_alter_table('product_certifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_certifications_kind'), ['kind'], unique=False)

    op.create_table('product_search_documents',
    sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('name_exact', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_search_documents_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_product_search_documents'))
    )

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_ward_code', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('origin_province_code', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('season_months', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('stock_quantity', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('sold_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
    # Products made before this revision come from their cooperative's commune/ward.
    op.execute(
        "UPDATE products SET "
        "origin_ward_code = (SELECT ward_code FROM cooperatives c WHERE c.id = products.cooperative_id), "
        "origin_province_code = (SELECT province_code FROM cooperatives c WHERE c.id = products.cooperative_id), "
        "published_at = CASE WHEN status = 'published' THEN created_at END"
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('origin_ward_code', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('origin_province_code', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('season_months', existing_type=sa.Integer(), server_default=None)
        batch_op.alter_column('stock_quantity', existing_type=sa.Integer(), server_default=None)
        batch_op.alter_column('sold_count', existing_type=sa.Integer(), server_default=None)
        batch_op.create_check_constraint('stock_not_negative', 'stock_quantity >= 0')
        batch_op.create_check_constraint('season_months', 'season_months >= 0 AND season_months < 4096')
        batch_op.create_index('ix_products_listing', ['status', 'cooperative_id', 'price'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_origin_province_code'), ['origin_province_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_published_at'), ['published_at'], unique=False)

    for statement in SQLITE_INDEX if op.get_bind().dialect.name == 'sqlite' else POSTGRES_INDEX:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER product_fts_after_{trigger}")
        op.execute("DROP TABLE product_fts")
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_published_at'))
        batch_op.drop_index(batch_op.f('ix_products_origin_province_code'))
        batch_op.drop_index('ix_products_listing')
        batch_op.drop_constraint(batch_op.f('ck_products_season_months'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_products_stock_not_negative'), type_='check')
        batch_op.drop_column('published_at')
        batch_op.drop_column('sold_count')
        batch_op.drop_column('stock_quantity')
        batch_op.drop_column('season_months')
        batch_op.drop_column('origin_province_code')
        batch_op.drop_column('origin_ward_code')

    op.drop_table('product_search_documents')
    with op.batch_alter_table('product_certifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_certifications_kind'))
    op.drop_table('product_certifications')
