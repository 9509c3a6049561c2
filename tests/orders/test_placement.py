"""Placing an order: the split by cooperative, snapshots and totals, stock taken in the same
transaction, idempotent submission, all-or-nothing."""
import pytest
from sqlalchemy import func, select

from marketplace.catalog.models import Product, ProductStatus
from marketplace.common.money import VatRate
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.orders import placement
from marketplace.orders.models import CartItem, Order, PaymentMethod, SavedAddress, VendorOrder
from marketplace.orders.placement import Checkout, PlacementRefused
from marketplace.orders.states import VendorOrderState
from marketplace.vendors.models import CooperativeStatus

from ..factories import make_cooperative, make_delivery, make_product

DELIVERY = make_delivery()


def checkout(token="t-1", method=PaymentMethod.COD, **kwargs) -> Checkout:
    return Checkout(token=token, delivery=DELIVERY, payment_method=method, **kwargs)


@pytest.fixture
def two_cooperatives(app):
    na_coop, honey_coop = make_cooperative(name="HTX Na"), make_cooperative(name="HTX Mật ong")
    na_coop.shipping_flat_fee, na_coop.shipping_fee_per_kg = 20_000, 5_000
    honey_coop.shipping_flat_fee, honey_coop.in_province_flat_fee = 30_000, 12_000
    na = make_product(na_coop, name="Na Chi Lăng", price=85_000, stock=10)
    na.weight_grams = 1_000
    honey = make_product(honey_coop, name="Mật ong bạc hà", price=250_000, stock=3)
    honey.vat_rate = VatRate.FIVE
    db.session.commit()
    return na, honey


def placed(*args) -> Order:
    return db.session.get(Order, placement.place_order(*args).id)


def test_one_order_with_a_vendor_order_per_cooperative_and_stock_taken(two_cooperatives):
    na, honey = two_cooperatives
    order = placed(checkout(), {na.id: (3, 85_000), honey.id: (2, 250_000)})

    assert order.number.startswith("CHX-") and len(order.number) == 12
    first, second = order.vendor_orders
    assert (first.cooperative_id, second.cooperative_id) == (na.cooperative_id, honey.cooperative_id)
    assert [vo.code for vo in order.vendor_orders] == [f"{order.number}-1", f"{order.number}-2"]
    assert all(vo.state == VendorOrderState.PLACED for vo in order.vendor_orders)
    assert (first.items_total, first.shipping_fee, first.total) == (255_000, 20_000 + 3 * 5_000, 290_000)
    # The honey cooperative is in the buyer's province: its own rate.
    assert (second.items_total, second.shipping_fee) == (500_000, 12_000)
    assert (order.items_total, order.shipping_total, order.total) == (755_000, 47_000, 802_000)
    line = second.lines[0]
    assert (line.product_name, line.unit, line.unit_price, line.vat_rate, line.quantity, line.amount) == \
        ("Mật ong bạc hà", "kg", 250_000, VatRate.FIVE, 2, 500_000)
    assert [e.to_state for e in first.events] == [VendorOrderState.PLACED]

    assert (db.session.get(Product, na.id).stock_quantity, db.session.get(Product, honey.id).stock_quantity) == (7, 1)
    sales = db.session.scalars(select(StockMovement).where(StockMovement.reason == MovementReason.SALE)).all()
    assert sorted((m.product_id, m.quantity, m.reference) for m in sales) == sorted(
        [(na.id, -3, first.code), (honey.id, -2, second.code)])


def test_the_snapshot_keeps_what_was_sold_when_the_product_changes(two_cooperatives):
    na, _ = two_cooperatives
    order = placement.place_order(checkout(), {na.id: (1, 85_000)})
    na.name, na.price = "Na dai", 99_000
    db.session.commit()
    line = db.session.get(Order, order.id).vendor_orders[0].lines[0]
    assert (line.product_name, line.unit_price) == ("Na Chi Lăng", 85_000)


def test_the_same_token_places_one_order(two_cooperatives):
    na, _ = two_cooperatives
    first = placement.place_order(checkout("same"), {na.id: (2, 85_000)})
    again = placement.place_order(checkout("same"), {na.id: (2, 85_000)})
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.get(Product, na.id).stock_quantity == 8


def test_not_enough_stock_places_nothing_and_says_how_many_are_left(two_cooperatives):
    na, honey = two_cooperatives
    with pytest.raises(PlacementRefused) as refused:
        placement.place_order(checkout(), {na.id: (2, 85_000), honey.id: (4, 250_000)})
    assert (refused.value.problem.kind, refused.value.problem.limit, refused.value.name) == \
        ("not_enough_stock", 3, "Mật ong bạc hà")
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.scalar(select(func.count()).select_from(StockMovement)) == 0
    assert db.session.get(Product, na.id).stock_quantity == 10


def test_a_failure_in_the_middle_leaves_no_partial_order_and_no_stock_taken(two_cooperatives, monkeypatch):
    na, honey = two_cooperatives
    real_move_all = placement.move_all

    def failing_after_the_first_movement(movements, *args, **kwargs):
        real_move_all(movements[:1], *args, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(placement, "move_all", failing_after_the_first_movement)
    with pytest.raises(RuntimeError):
        placement.place_order(checkout(), {na.id: (2, 85_000), honey.id: (1, 250_000)})
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.scalar(select(func.count()).select_from(VendorOrder)) == 0
    assert db.session.scalar(select(func.count()).select_from(StockMovement)) == 0
    assert [db.session.get(Product, p.id).stock_quantity for p in (na, honey)] == [10, 3]


@pytest.mark.parametrize("change", ["suspend", "unpublish"])
def test_a_suspended_cooperative_or_unpublished_product_cannot_be_ordered(two_cooperatives, change):
    na, _ = two_cooperatives
    if change == "suspend":
        na.cooperative.status = CooperativeStatus.SUSPENDED
    else:
        na.status = ProductStatus.DRAFT
    db.session.commit()
    with pytest.raises(PlacementRefused) as refused:
        placement.place_order(checkout(), {na.id: (1, 85_000)})
    assert refused.value.problem.kind == "not_on_sale"


def test_an_empty_cart_is_refused(app):
    with pytest.raises(PlacementRefused) as refused:
        placement.place_order(checkout(), {})
    assert refused.value.problem.kind == placement.EMPTY_CART


def test_unpaid_methods_reserve_the_stock_until_a_deadline(two_cooperatives):
    na, _ = two_cooperatives
    order = placed(checkout(method=PaymentMethod.BANK_TRANSFER), {na.id: (1, 85_000)})
    part = order.vendor_orders[0]
    assert part.state == VendorOrderState.PENDING_PAYMENT and part.reserved_until is not None
    assert db.session.get(Product, na.id).stock_quantity == 9


def test_a_buyer_s_order_empties_their_saved_cart_and_can_keep_the_address(two_cooperatives, buyer):
    na, honey = two_cooperatives
    db.session.add_all([CartItem(user_id=buyer.id, product_id=na.id, quantity=1, price_when_added=85_000),
                        CartItem(user_id=buyer.id, product_id=honey.id, quantity=1, price_when_added=250_000)])
    db.session.commit()
    order = placement.place_order(checkout(save_address=True), {na.id: (1, 85_000)}, buyer)
    assert order.buyer_id == buyer.id
    assert [item.product_id for item in db.session.scalars(select(CartItem))] == [honey.id]
    placement.place_order(checkout("t-2", save_address=True), {na.id: (1, 85_000)}, buyer)
    saved = db.session.scalars(select(SavedAddress)).all()
    assert [(a.user_id, a.address_line) for a in saved] == [(buyer.id, "12 Lê Lợi")]


def test_a_new_order_is_announced_once_and_a_repeated_submission_not_at_all(two_cooperatives):
    na, _ = two_cooperatives
    announced = []
    first = placement.place_order(checkout("once"), {na.id: (1, 85_000)}, on_placed=announced.append)
    placement.place_order(checkout("once"), {na.id: (1, 85_000)}, on_placed=announced.append)
    assert announced == [first]


def test_a_repeated_submission_finds_its_order_though_the_cart_is_emptied_and_the_stock_taken(two_cooperatives):
    na, _ = two_cooperatives
    first = placement.place_order(checkout("again"), {na.id: (10, 85_000)})
    assert placement.place_order(checkout("again"), {}) == first
    assert placement.place_order(checkout("again"), {na.id: (10, 85_000)}) == first
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.get(Product, na.id).stock_quantity == 0
