"""listings: product details, images, stock movements and harvest lots

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 11:00:00

Columns are added with ALTER TABLE ... ADD COLUMN and their CHECK constraints inline, the same
SQL on both databases: on SQLite a batch rebuild of `products` would drop the table, and with
foreign keys on that deletes the rows that cascade from it (search documents, certificates).
Existing stock becomes an opening "correction" movement, so stock equals the sum of movements.
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

VAT_RATES = ('KCT', '0%', '5%', '8%', '10%')
REASONS = ('harvest', 'sale', 'cancellation', 'return', 'spoilage', 'correction')
PRODUCT_COLUMNS = [
    "compare_at_price BIGINT CONSTRAINT ck_products_compare_at_above_price "
    "CHECK (compare_at_price IS NULL OR compare_at_price > price)",
    "vat_rate VARCHAR(20) NOT NULL DEFAULT 'KCT' CONSTRAINT ck_products_vatrate "
    f"CHECK (vat_rate IN ({', '.join(repr(r) for r in VAT_RATES)}))",
    "weight_grams INTEGER NOT NULL DEFAULT 0 CONSTRAINT ck_products_weight_not_negative CHECK (weight_grams >= 0)",
    "min_order_quantity INTEGER NOT NULL DEFAULT 1 CONSTRAINT ck_products_min_order_quantity "
    "CHECK (min_order_quantity >= 1)",
    "max_order_quantity INTEGER CONSTRAINT ck_products_max_order_quantity "
    "CHECK (max_order_quantity IS NULL OR max_order_quantity >= min_order_quantity)",
    "sku VARCHAR(40) NOT NULL DEFAULT ''",
    "low_stock_threshold INTEGER NOT NULL DEFAULT 5 CONSTRAINT ck_products_low_stock_threshold "
    "CHECK (low_stock_threshold >= 0)",
    "updated_at {timestamp} NOT NULL DEFAULT '2026-01-01 00:00:00'",
]
TIMESTAMP = {'sqlite': 'DATETIME', 'postgresql': 'TIMESTAMP WITH TIME ZONE'}


def upgrade():
    timestamp = TIMESTAMP[op.get_bind().dialect.name]
    for column in PRODUCT_COLUMNS:
        op.execute(f"ALTER TABLE products ADD COLUMN {column.format(timestamp=timestamp)}")
    op.execute("UPDATE products SET updated_at = created_at")
    if op.get_bind().dialect.name == 'postgresql':  # SQLite cannot add a table constraint to a table
        op.create_check_constraint('price_at_most_a_billion', 'products', 'price <= 1000000000')
    op.create_index('uq_products_cooperative_sku', 'products', ['cooperative_id', 'sku'], unique=True,
                    sqlite_where=sa.text("sku <> ''"), postgresql_where=sa.text("sku <> ''"))
    op.create_table(
        'product_images',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('widths', sa.String(length=40), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_images_product_id_products'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_product_images')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_product_images_stored_name')),
    )
    op.create_index(op.f('ix_product_images_product_id'), 'product_images', ['product_id'])
    op.create_table(
        'lots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('harvested_on', sa.Date(), nullable=False),
        sa.Column('area', sa.String(length=120), nullable=False),
        sa.Column('practices', sa.Text(), nullable=False),
        sa.Column('certification_refs', sa.String(length=255), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('best_before', sa.Date(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_lots_quantity_positive')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_lots_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_lots_product_id_products')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lots')),
        sa.UniqueConstraint('code', name=op.f('uq_lots_code')),
    )
    op.create_index(op.f('ix_lots_product_id'), 'lots', ['product_id'])
    op.create_table(
        'stock_movements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Enum(*REASONS, name='movementreason', native_enum=False, create_constraint=True,
                                    length=20), nullable=False),
        sa.Column('lot_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('quantity <> 0', name=op.f('ck_stock_movements_quantity_not_zero')),
        sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_stock_movements_lot_id_lots')),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_movements_product_id_products')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stock_movements_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements')),
    )
    op.create_index(op.f('ix_stock_movements_lot_id'), 'stock_movements', ['lot_id'])
    op.create_index('ix_stock_movements_product_created', 'stock_movements', ['product_id', 'created_at'])
    op.execute(
        "INSERT INTO stock_movements (product_id, quantity, reason, reference, note, created_at) "
        "SELECT id, stock_quantity, 'correction', '', 'opening stock', created_at FROM products "
        "WHERE stock_quantity > 0"
    )


def downgrade():
    op.drop_table('stock_movements')
    op.drop_table('lots')
    op.drop_table('product_images')
    op.drop_index('uq_products_cooperative_sku', table_name='products')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(op.f('ck_products_price_at_most_a_billion'), 'products', type_='check')
        for column in PRODUCT_COLUMNS:
            op.execute(f"ALTER TABLE products DROP COLUMN {column.split()[0]}")
        return
    # SQLite cannot drop a column its CHECK constraint names: rebuild without the listing columns
    # (with foreign keys on, on a copy of a database that has products: the rebuild drops the table).
    with op.batch_alter_table('products', recreate='always') as batch:
        for constraint in ('compare_at_above_price', 'vatrate', 'weight_not_negative', 'min_order_quantity',
                           'max_order_quantity', 'low_stock_threshold'):
            batch.drop_constraint(op.f(f'ck_products_{constraint}'), type_='check')
        for column in PRODUCT_COLUMNS:
            batch.drop_column(column.split()[0])
