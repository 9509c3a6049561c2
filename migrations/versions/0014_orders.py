"""orders: orders, vendor orders with their lines and state changes, saved addresses

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 11:04:25
"""
import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('checkout_token', sa.String(length=64), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('ward_code', sa.Integer(), nullable=False),
    sa.Column('address_line', sa.String(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('payment_method', sa.Enum('cod', 'bank_transfer', 'card', name='paymentmethod', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('invoice_type', sa.Enum('none', 'personal', 'company', name='invoicetype', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('invoice_name', sa.String(length=255), nullable=False),
    sa.Column('invoice_tax_code', sa.String(length=14), nullable=False),
    sa.Column('invoice_address', sa.String(length=255), nullable=False),
    sa.Column('invoice_email', sa.String(length=254), nullable=False),
    sa.Column('items_total', sa.BigInteger(), nullable=False),
    sa.Column('shipping_total', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_id'], ['users.id'], name=op.f('fk_orders_buyer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('checkout_token', name=op.f('uq_orders_checkout_token')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_number'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_created_at'), ['created_at'], unique=False)

    op.create_table('saved_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('ward_code', sa.Integer(), nullable=False),
    sa.Column('address_line', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_addresses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_addresses'))
    )
    with op.batch_alter_table('saved_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_addresses_user_id'), ['user_id'], unique=False)

    op.create_table('vendor_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('state', sa.Enum('pending_payment', 'placed', 'confirmed', 'packed', 'shipped', 'delivered', 'completed', 'cancelled', name='vendororderstate', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('items_total', sa.BigInteger(), nullable=False),
    sa.Column('shipping_fee', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('weight_grams', sa.Integer(), nullable=False),
    sa.Column('reserved_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('carrier', sa.String(length=80), nullable=False),
    sa.Column('tracking_number', sa.String(length=60), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_vendor_orders_cooperative_id_cooperatives')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_vendor_orders_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_orders')),
    sa.UniqueConstraint('code', name=op.f('uq_vendor_orders_code')),
    sa.UniqueConstraint('order_id', 'cooperative_id', name='uq_vendor_orders_order_cooperative')
    )
    with op.batch_alter_table('vendor_orders', schema=None) as batch_op:
        batch_op.create_index('ix_vendor_orders_cooperative_state_created', ['cooperative_id', 'state', 'created_at'], unique=False)
        batch_op.create_index('ix_vendor_orders_state_reserved_until', ['state', 'reserved_until'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('vat_rate', sa.Enum('KCT', '0%', '5%', '8%', '10%', name='vatrate', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('weight_grams', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_order_lines_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vendor_order_id'], ['vendor_orders.id'], name=op.f('fk_order_lines_vendor_order_id_vendor_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_vendor_order_id'), ['vendor_order_id'], unique=False)

    op.create_table('vendor_order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_order_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.Enum('pending_payment', 'placed', 'confirmed', 'packed', 'shipped', 'delivered', 'completed', 'cancelled', name='from_state', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('to_state', sa.Enum('pending_payment', 'placed', 'confirmed', 'packed', 'shipped', 'delivered', 'completed', 'cancelled', name='to_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('actor', sa.Enum('buyer', 'cooperative', 'system', name='actor', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_vendor_order_events_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vendor_order_id'], ['vendor_orders.id'], name=op.f('fk_vendor_order_events_vendor_order_id_vendor_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_order_events'))
    )
    with op.batch_alter_table('vendor_order_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendor_order_events_vendor_order_id'), ['vendor_order_id'], unique=False)



def downgrade():
    for table in ('vendor_order_events', 'order_lines', 'vendor_orders', 'saved_addresses', 'orders'):
        op.drop_table(table)
