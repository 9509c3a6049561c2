"""Fulfilment: every vendor-order move goes through change_state, which records it, refuses what
the state machine refuses without changing anything, and gives cancelled units back exactly once."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.catalog.models import Product
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.models import User
from marketplace.orders import fulfilment, placement
from marketplace.orders.fulfilment import TransitionRefused
from marketplace.orders.models import Order, PaymentMethod, VendorOrder, VendorOrderEvent
from marketplace.orders.placement import Checkout
from marketplace.orders.states import Actor, VendorOrderState

from ..factories import make_cooperative, make_delivery, make_product, make_user

S = VendorOrderState
DELIVERY = make_delivery()
SHIPPING = {"carrier": "Viettel Post", "tracking_number": "VTP123456"}
# The cooperative's moves from placed to delivered, with what each needs.
COOPERATIVE_PATH = [(S.CONFIRMED, {}), (S.PACKED, {}), (S.SHIPPED, SHIPPING), (S.DELIVERED, {})]

_tokens = iter(range(1, 1_000_000))


def place(products, method=PaymentMethod.COD, quantity=3, buyer=None, reservation=timedelta(minutes=30)) -> Order:
    checkout = Checkout(token=f"t-{next(_tokens)}", delivery=DELIVERY, payment_method=method)
    placed = placement.place_order(checkout, {p.id: (quantity, p.price) for p in products}, buyer,
                                   reservation=reservation)
    return db.session.get(Order, placed.id)


@pytest.fixture
def keeper(app):
    """A member of the cooperative, acting for it."""
    return make_user(email="hop@example.com", full_name="Hoàng Văn Hợp")


@pytest.fixture
def na(keeper):
    return make_product(make_cooperative(name="HTX Na", owner=keeper), name="Na Chi Lăng", stock=10)


@pytest.fixture
def honey(app):
    return make_product(make_cooperative(name="HTX Mật ong"), name="Mật ong bạc hà", price=250_000, stock=5)


def part_of(order: Order) -> VendorOrder:
    return db.session.get(Order, order.id).vendor_orders[0]


def move_along(part_id: int, path, user) -> None:
    for target, needs in path:
        fulfilment.change_state(part_id, target, Actor.COOPERATIVE, user, **needs)


def stock_of(product) -> tuple[int, int]:
    """(stock, sold_count), read afresh."""
    db.session.expire_all()
    fresh = db.session.get(Product, product.id)
    return fresh.stock_quantity, fresh.sold_count


def cancellations(part: VendorOrder) -> list[tuple[int, int, str]]:
    return [(m.product_id, m.quantity, m.reference) for m in db.session.scalars(
        select(StockMovement).where(StockMovement.reason == MovementReason.CANCELLATION,
                                    StockMovement.reference == part.code))]


def everything(part_id: int, product) -> tuple:
    """All a move could change: the part's state, the product's stock, events and movements."""
    db.session.expire_all()
    part = db.session.get(VendorOrder, part_id)
    return (part.state, part.cancel_reason, part.carrier, stock_of(product),
            db.session.scalar(select(func.count()).select_from(VendorOrderEvent)),
            db.session.scalar(select(func.count()).select_from(StockMovement)))


@pytest.mark.parametrize("completer", [Actor.BUYER, Actor.SYSTEM])
def test_each_move_along_the_whole_path_is_recorded_with_who_from_and_to(na, keeper, buyer, completer):
    part = part_of(place([na], buyer=buyer))

    move_along(part.id, COOPERATIVE_PATH, keeper)
    completed = fulfilment.change_state(part.id, S.COMPLETED, completer, buyer if completer == Actor.BUYER else None)

    assert completed.to_state == S.COMPLETED
    events = db.session.scalars(select(VendorOrderEvent).where(VendorOrderEvent.vendor_order_id == part.id)
                                .order_by(VendorOrderEvent.id)).all()
    completer_id = buyer.id if completer == Actor.BUYER else None
    assert [(e.from_state, e.to_state, e.actor, e.user_id) for e in events] == [
        (None, S.PLACED, Actor.BUYER, buyer.id),
        (S.PLACED, S.CONFIRMED, Actor.COOPERATIVE, keeper.id),
        (S.CONFIRMED, S.PACKED, Actor.COOPERATIVE, keeper.id),
        (S.PACKED, S.SHIPPED, Actor.COOPERATIVE, keeper.id),
        (S.SHIPPED, S.DELIVERED, Actor.COOPERATIVE, keeper.id),
        (S.DELIVERED, S.COMPLETED, completer, completer_id),
    ]
    assert all(e.created_at is not None for e in events)
    assert db.session.get(VendorOrder, part.id).state == S.COMPLETED
    assert stock_of(na) == (7, 3)  # nothing given back along the way


def test_shipping_stores_the_carrier_and_tracking_number(na, keeper):
    part = part_of(place([na]))
    move_along(part.id, COOPERATIVE_PATH[:2], keeper)

    fulfilment.change_state(part.id, S.SHIPPED, Actor.COOPERATIVE, keeper,
                            carrier="  Viettel Post ", tracking_number=" VTP123456 ")

    db.session.expire_all()
    shipped = db.session.get(VendorOrder, part.id)
    assert (shipped.state, shipped.carrier, shipped.tracking_number) == (S.SHIPPED, "Viettel Post", "VTP123456")


@pytest.mark.parametrize("path, target, actor, given", [
    ([], S.CONFIRMED, Actor.BUYER, {}),  # the buyer cannot confirm
    ([], S.PACKED, Actor.COOPERATIVE, {}),  # packed before confirmed
    ([], S.CANCELLED, Actor.COOPERATIVE, {}),  # the cooperative cancels with a reason
    ([], S.CANCELLED, Actor.COOPERATIVE, {"reason": "   "}),
    (COOPERATIVE_PATH[:2], S.SHIPPED, Actor.COOPERATIVE, {"carrier": "Viettel Post"}),  # no tracking number
    (COOPERATIVE_PATH[:1], S.CANCELLED, Actor.BUYER, {}),  # the buyer, once confirmed
    (COOPERATIVE_PATH[:3], S.CANCELLED, Actor.COOPERATIVE, {"reason": "Hết hàng"}),  # once shipped
    (COOPERATIVE_PATH, S.COMPLETED, Actor.COOPERATIVE, {}),
    (COOPERATIVE_PATH + [(S.COMPLETED, {})], S.CANCELLED, Actor.COOPERATIVE, {"reason": "Nhầm"}),
], ids=["buyer-confirms", "skips-confirmed", "cancel-without-reason", "blank-reason", "ship-without-tracking",
        "buyer-cancels-confirmed", "cancel-shipped", "cooperative-completes", "cancel-completed"])
def test_refused_moves_change_nothing(na, keeper, buyer, path, target, actor, given):
    part = part_of(place([na], buyer=buyer))
    for step, needs in path:
        fulfilment.change_state(part.id, step, Actor.SYSTEM if step == S.COMPLETED else Actor.COOPERATIVE,
                                keeper, **needs)
    before = everything(part.id, na)

    with pytest.raises(TransitionRefused):
        fulfilment.change_state(part.id, target, actor, buyer if actor == Actor.BUYER else keeper, **given)

    assert everything(part.id, na) == before


@pytest.mark.parametrize("target", list(S))
def test_nothing_moves_a_cancelled_part(na, keeper, target):
    part = part_of(place([na]))
    fulfilment.change_state(part.id, S.CANCELLED, Actor.COOPERATIVE, keeper, reason="Mất mùa")
    before = everything(part.id, na)

    for actor in Actor:
        with pytest.raises(TransitionRefused):
            fulfilment.change_state(part.id, target, actor, reason="lần nữa", **SHIPPING)

    assert everything(part.id, na) == before


def test_cancelling_returns_the_stock_once_with_a_movement_naming_the_part(na, keeper):
    part = part_of(place([na]))
    move_along(part.id, COOPERATIVE_PATH[:2], keeper)
    assert stock_of(na) == (7, 3)

    event = fulfilment.change_state(part.id, S.CANCELLED, Actor.COOPERATIVE, keeper, reason=" Mưa đá làm hỏng ")
    with pytest.raises(TransitionRefused):
        fulfilment.change_state(part.id, S.CANCELLED, Actor.COOPERATIVE, keeper, reason="Lần nữa")

    assert (event.from_state, event.to_state, event.note) == (S.PACKED, S.CANCELLED, "Mưa đá làm hỏng")
    assert db.session.get(VendorOrder, part.id).cancel_reason == "Mưa đá làm hỏng"
    assert stock_of(na) == (10, 0)
    assert cancellations(part) == [(na.id, 3, part.code)]


def test_the_buyer_cancels_all_parts_and_cancelling_again_gives_nothing_back(na, honey, buyer):
    order = place([na, honey], buyer=buyer)
    assert fulfilment.buyer_may_cancel(db.session.get(Order, order.id))

    first = fulfilment.cancel_order(order.id, buyer)
    again = fulfilment.cancel_order(order.id, buyer)

    assert [(e.to_state, e.actor, e.user_id) for e in first] == [(S.CANCELLED, Actor.BUYER, buyer.id)] * 2
    assert again == []
    assert stock_of(na) == (10, 0) and stock_of(honey) == (5, 0)
    parts = db.session.get(Order, order.id).vendor_orders
    assert [len(cancellations(p)) for p in parts] == [1, 1]
    assert not fulfilment.buyer_may_cancel(db.session.get(Order, order.id))


def test_the_buyer_cancels_all_parts_or_none(na, honey, keeper, buyer):
    order = place([na, honey], buyer=buyer)
    na_part, honey_part = db.session.get(Order, order.id).vendor_orders
    fulfilment.change_state(na_part.id, S.CONFIRMED, Actor.COOPERATIVE, keeper)
    before = everything(na_part.id, na), everything(honey_part.id, honey)

    assert not fulfilment.buyer_may_cancel(db.session.get(Order, order.id))
    with pytest.raises(TransitionRefused):
        fulfilment.cancel_order(order.id, buyer)

    assert (everything(na_part.id, na), everything(honey_part.id, honey)) == before
    assert db.session.get(VendorOrder, honey_part.id).state == S.PLACED


def test_the_buyer_may_cancel_until_a_cooperative_confirms(na, honey, keeper):
    order = place([na, honey], method=PaymentMethod.BANK_TRANSFER)
    assert fulfilment.buyer_may_cancel(db.session.get(Order, order.id))  # unpaid

    na_part, honey_part = db.session.get(Order, order.id).vendor_orders
    for part in (na_part, honey_part):
        fulfilment.change_state(part.id, S.PLACED, Actor.SYSTEM)  # paid
    assert fulfilment.buyer_may_cancel(db.session.get(Order, order.id))

    fulfilment.change_state(na_part.id, S.CONFIRMED, Actor.COOPERATIVE, keeper)
    assert not fulfilment.buyer_may_cancel(db.session.get(Order, order.id))


def test_expiry_cancels_only_unpaid_parts_past_their_deadline_and_restocks_once(na):
    expired = place([na], PaymentMethod.BANK_TRANSFER, quantity=1, reservation=timedelta(minutes=30))
    waiting = place([na], PaymentMethod.BANK_TRANSFER, quantity=2, reservation=timedelta(hours=2))
    cash = place([na], PaymentMethod.COD, quantity=3)
    assert stock_of(na) == (4, 6)
    later = utcnow() + timedelta(hours=1)

    events = fulfilment.expire_reservations(later)
    again = fulfilment.expire_reservations(later)

    assert [(e.vendor_order_id, e.from_state, e.to_state, e.actor, e.user_id) for e in events] == [
        (part_of(expired).id, S.PENDING_PAYMENT, S.CANCELLED, Actor.SYSTEM, None)]
    assert again == []
    assert [part_of(o).state for o in (expired, waiting, cash)] == [S.CANCELLED, S.PENDING_PAYMENT, S.PLACED]
    assert part_of(expired).reserved_until is None and part_of(waiting).reserved_until is not None
    assert stock_of(na) == (5, 5)
    assert cancellations(part_of(expired)) == [(na.id, 1, part_of(expired).code)]


def test_expiry_leaves_a_reservation_paid_in_the_meantime(na):
    order = place([na], PaymentMethod.BANK_TRANSFER, quantity=1)
    fulfilment.change_state(part_of(order).id, S.PLACED, Actor.SYSTEM)

    assert fulfilment.expire_reservations(utcnow() + timedelta(days=1)) == []
    assert part_of(order).state == S.PLACED and stock_of(na) == (9, 1)


@pytest.mark.postgres
def test_two_cancellations_at_once_restock_exactly_once(app, na, keeper):
    part = part_of(place([na]))
    part_id, keeper_id = part.id, keeper.id
    start = threading.Barrier(2, timeout=30)

    def cancel(reason: str) -> str:
        with app.app_context():  # a session and a connection of its own
            try:
                user = db.session.get(User, keeper_id)
                start.wait()
                fulfilment.change_state(part_id, S.CANCELLED, Actor.COOPERATIVE, user, reason=reason)
                return "cancelled"
            except TransitionRefused:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(cancel, ["Hết hàng", "Khách gọi huỷ"]))

    assert outcomes == ["cancelled", "refused"]
    assert stock_of(na) == (10, 0)
    assert cancellations(part) == [(na.id, 3, part.code)]
    assert db.session.scalar(select(func.count()).select_from(VendorOrderEvent)
                             .where(VendorOrderEvent.to_state == S.CANCELLED)) == 1
