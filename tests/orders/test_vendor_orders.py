"""The cooperative's side of orders, through the pages its staff use: the queue by state with
counts, one order with its buttons, the packing slip and bulk confirm; never another cooperative's."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.common.places import province_name, ward_name
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.orders import fulfilment, vendor_orders
from marketplace.orders.models import InvoiceType, Order, VendorOrder, VendorOrderEvent
from marketplace.orders.placement import Checkout, Delivery, InvoiceRequest, place_order
from marketplace.orders.states import Actor, VendorOrderState
from marketplace.vendors.models import CooperativeStatus

from ..factories import make_cooperative, make_order, make_user

S = VendorOrderState



def part_of(order, product) -> VendorOrder:
    return next(vo for vo in order.vendor_orders if vo.cooperative_id == product.cooperative_id)


def current(vendor_order: VendorOrder) -> VendorOrder:
    db.session.expire_all()
    return db.session.get(VendorOrder, vendor_order.id)


def tab_count(page: str, state: str) -> int:
    return int(re.search(rf'state={state}"[^>]*>[^<]*<span class="count">(\d+)</span>', page).group(1))


def test_the_queue_shows_only_the_cooperatives_orders_with_counts_per_state(client, staff, na, honey):
    waiting = make_order(na, full_name="Hà Văn Bình")
    mixed = make_order(na, honey, full_name="Đỗ Thị Hoa")
    confirmed = make_order(na)
    fulfilment.change_state(part_of(confirmed, na).id, S.CONFIRMED, Actor.COOPERATIVE, staff)
    theirs = make_order(honey, full_name="Người mua khác")

    page = client.get("/vendor/orders").get_data(as_text=True)

    assert part_of(waiting, na).code in page and part_of(mixed, na).code in page
    assert "Hà Văn Bình" in page and "Đỗ Thị Hoa" in page
    assert part_of(mixed, honey).code not in page and theirs.number not in page and "Người mua khác" not in page
    assert part_of(confirmed, na).code not in page  # the default view is what waits to be confirmed
    assert (tab_count(page, "placed"), tab_count(page, "confirmed"), tab_count(page, "cancelled")) == (2, 1, 0)


def test_the_queue_filters_by_state_and_ignores_unknown_values(client, staff, na):
    placed, confirmed = make_order(na), make_order(na)
    fulfilment.change_state(confirmed.vendor_orders[0].id, S.CONFIRMED, Actor.COOPERATIVE, staff)

    page = client.get("/vendor/orders?state=confirmed").get_data(as_text=True)
    assert confirmed.vendor_orders[0].code in page and placed.vendor_orders[0].code not in page
    assert 'name="vendor_order"' not in page  # bulk confirm is for new orders only

    for odd in ("?state=nonsense", "?state=placed&page=abc", "?page=-3", "?page=99999999999999999999"):
        response = client.get(f"/vendor/orders{odd}")
        assert response.status_code == 200, odd
    assert placed.vendor_orders[0].code in client.get("/vendor/orders?state=nonsense").get_data(as_text=True)


def test_new_orders_come_oldest_first_with_date_items_and_total(client, staff, na):
    newer, older = make_order(na, quantity=2), make_order(na)
    older.vendor_orders[0].created_at = datetime(2026, 3, 5, 20, 30, tzinfo=timezone.utc)
    db.session.commit()

    page = client.get("/vendor/orders").get_data(as_text=True)

    assert page.index(older.vendor_orders[0].code) < page.index(newer.vendor_orders[0].code)
    assert "6 Mar 2026, 03:30" in page  # shown in Vietnam time
    assert "₫170,000" in page and "₫85,000" in page  # each part's total (this cooperative ships for free)


def test_the_queue_is_paginated(client, staff, na, monkeypatch):
    monkeypatch.setattr(vendor_orders, "PER_PAGE", 2)
    codes = [make_order(na).vendor_orders[0].code for _ in range(3)]

    first = client.get("/vendor/orders?state=placed").get_data(as_text=True)
    second = client.get("/vendor/orders?state=placed&page=2").get_data(as_text=True)

    assert [code in first for code in codes] == [True, True, False] and 'rel="next"' in first
    assert [code in second for code in codes] == [False, False, True] and 'rel="prev"' in second
    assert 'href="/vendor/orders?state=placed&amp;page=2"' in first


def test_the_detail_shows_lines_totals_delivery_note_invoice_and_buttons(client, staff, na):
    checkout = Checkout(token="detail-1", payment_method="cod", delivery=Delivery(
        full_name="Hà Văn Bình", phone="+84987654321", province_code=20, ward_code=6463,
        address_line="5 Trần Đăng Ninh", note="Gọi trước khi giao"),
        invoice=InvoiceRequest(InvoiceType.COMPANY, "Công ty TNHH Hoa Quả", "0101243150", "1 Lê Lợi", "kt@hq.vn"))
    vendor_order = db.session.get(Order, place_order(checkout, {na.id: (3, na.price)}).id).vendor_orders[0]

    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)

    for text in ("Na Chi Lăng", "₫85,000", "₫255,000", vendor_order.code, "Hà Văn Bình", "0987 654 321",
                 "5 Trần Đăng Ninh", "Gọi trước khi giao", "Công ty TNHH Hoa Quả", "0101243150", "Cash on delivery",
                 "Confirm the order", "Cancel the order", "New"):
        assert text in page, text
    assert all(name in page for name in _place_names())
    assert "Mark as shipped" not in page  # only the moves open from this state


def _place_names() -> list[str]:
    return [ward_name(6463), province_name(20)]


def test_another_cooperatives_order_is_not_found_and_cannot_be_moved(client, staff, na, honey):
    theirs = make_order(honey).vendor_orders[0]

    assert client.get(f"/vendor/orders/{theirs.id}").status_code == 404
    assert client.get(f"/vendor/orders/{theirs.id}/packing-slip").status_code == 404
    for data in ({"to": "confirmed"}, {"to": "cancelled", "reason": "Hết hàng"}):
        assert client.post(f"/vendor/orders/{theirs.id}/state", data=data).status_code == 404
    client.post("/vendor/orders/confirm", data={"vendor_order": [str(theirs.id)]})

    assert current(theirs).state == S.PLACED and len(current(theirs).events) == 1
    assert db.session.get(Product, honey.id).stock_quantity == 19


def test_each_button_moves_the_order_and_records_who_did_it(client, staff, na):
    vendor_order = make_order(na).vendor_orders[0]
    url = f"/vendor/orders/{vendor_order.id}/state"
    steps = [({"to": "confirmed"}, S.CONFIRMED), ({"to": "packed"}, S.PACKED),
             ({"to": "shipped", "carrier": "Viettel Post", "tracking_number": "VTP123"}, S.SHIPPED)]
    for data, state in steps:
        response = client.post(url, data=data)
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/vendor/orders/{vendor_order.id}")
        assert current(vendor_order).state == state

    # A cash-on-delivery order is delivered with the cash collected, not with the plain button.
    assert client.post(url, data={"to": "delivered"}).status_code == 303
    assert current(vendor_order).state == S.SHIPPED
    response = client.post(f"/vendor/orders/{vendor_order.id}/cash",
                           data={"amount": str(vendor_order.total), "collected_by": "cooperative"})
    assert response.status_code == 303
    steps.append(({}, S.DELIVERED))

    moved = current(vendor_order)
    assert (moved.carrier, moved.tracking_number) == ("Viettel Post", "VTP123")
    assert [(e.to_state, e.actor, e.user_id) for e in moved.events[1:]] == [
        (state, Actor.COOPERATIVE, staff.id) for _, state in steps]
    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)
    assert "Cooperative: Lý Thị Lan" in page and "Shipped → Delivered" in page and "VTP123" in page
    assert "Order %s: delivered," % vendor_order.code in page  # the flash of the last move


def test_shipping_without_a_tracking_number_keeps_what_was_typed(client, staff, na):
    vendor_order = make_order(na).vendor_orders[0]
    for state in (S.CONFIRMED, S.PACKED):
        fulfilment.change_state(vendor_order.id, state, Actor.COOPERATIVE, staff)

    response = client.post(f"/vendor/orders/{vendor_order.id}/state",
                           data={"to": "shipped", "carrier": "Giao Hàng Nhanh", "tracking_number": "  "})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Giao Hàng Nhanh"' in page and "Please fill in this field." in page
    assert 'id="tracking_number-error"' in page and 'id="carrier-error"' not in page
    assert current(vendor_order).state == S.PACKED and len(current(vendor_order).events) == 3


def test_cancelling_needs_a_reason(client, staff, na):
    vendor_order = make_order(na).vendor_orders[0]

    response = client.post(f"/vendor/orders/{vendor_order.id}/state", data={"to": "cancelled", "reason": ""})

    assert response.status_code == 422 and "Please fill in this field." in response.get_data(as_text=True)
    assert current(vendor_order).state == S.PLACED
    assert db.session.get(Product, na.id).stock_quantity == 19


def test_cancelling_with_a_reason_gives_the_units_back(client, staff, na):
    vendor_order = make_order(na, quantity=4).vendor_orders[0]
    fulfilment.change_state(vendor_order.id, S.CONFIRMED, Actor.COOPERATIVE, staff)

    response = client.post(f"/vendor/orders/{vendor_order.id}/state",
                           data={"to": "cancelled", "reason": "Na bị sâu, không đủ hàng"})

    assert response.status_code == 303
    cancelled = current(vendor_order)
    assert (cancelled.state, cancelled.cancel_reason) == (S.CANCELLED, "Na bị sâu, không đủ hàng")
    assert cancelled.events[-1].note == "Na bị sâu, không đủ hàng" and cancelled.events[-1].user_id == staff.id
    assert db.session.get(Product, na.id).stock_quantity == 20
    movement = db.session.scalar(select(StockMovement).where(StockMovement.reason == MovementReason.CANCELLATION))
    assert (movement.product_id, movement.quantity, movement.reference) == (na.id, 4, vendor_order.code)


def test_confirming_an_order_the_buyer_cancelled_meanwhile_says_so(client, staff, na):
    order = make_order(na)
    vendor_order = order.vendor_orders[0]
    fulfilment.cancel_order(order.id)

    response = client.post(f"/vendor/orders/{vendor_order.id}/state", data={"to": "confirmed"})

    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This order was already cancelled by the buyer." in page
    assert current(vendor_order).state == S.CANCELLED and len(current(vendor_order).events) == 2


@pytest.mark.parametrize("data, message", [
    ({}, "Choose what to do with the order."), ({"to": "flying"}, "Choose what to do with the order."),
    ({"to": "shipped", "carrier": "x" * 81, "tracking_number": "1"}, "Field cannot be longer than 80 characters.")])
def test_a_bad_state_form_is_refused_with_a_message(client, staff, na, data, message):
    vendor_order = make_order(na).vendor_orders[0]
    for state in (S.CONFIRMED, S.PACKED):
        fulfilment.change_state(vendor_order.id, state, Actor.COOPERATIVE, staff)
    response = client.post(f"/vendor/orders/{vendor_order.id}/state", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert current(vendor_order).state == S.PACKED


def test_a_move_that_is_not_the_cooperatives_to_make_is_refused(client, staff, na):
    vendor_order = make_order(na).vendor_orders[0]
    response = client.post(f"/vendor/orders/{vendor_order.id}/state", data={"to": "completed"})
    assert response.status_code == 303
    assert "that step is no longer possible" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert current(vendor_order).state == S.PLACED


def test_bulk_confirm_confirms_only_the_cooperatives_new_orders(client, staff, na, honey, outbox):
    first = make_order(na, email="an@example.com").vendor_orders[0]
    second = make_order(na, email="binh@example.com").vendor_orders[0]
    cancelled = make_order(na)
    fulfilment.cancel_order(cancelled.id)
    theirs = make_order(honey).vendor_orders[0]
    selected = [first.id, second.id, cancelled.vendor_orders[0].id, theirs.id, "abc", 2**40]

    response = client.post("/vendor/orders/confirm", data={"vendor_order": [str(i) for i in selected]})

    assert response.status_code == 303
    assert [current(vo).state for vo in (first, second, theirs)] == [S.CONFIRMED, S.CONFIRMED, S.PLACED]
    events = db.session.scalars(select(VendorOrderEvent).where(VendorOrderEvent.to_state == S.CONFIRMED)).all()
    assert sorted(e.vendor_order_id for e in events) == [first.id, second.id]
    assert sorted(message["To"] for message in outbox) == ["an@example.com", "binh@example.com"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Confirmed: {first.code}, {second.code}." in page
    assert cancelled.vendor_orders[0].code in page and theirs.code not in page


def test_bulk_confirm_without_a_selection_says_what_to_do(client, staff, na):
    make_order(na)
    response = client.post("/vendor/orders/confirm", data={})
    assert response.status_code == 303
    assert "Tick the orders to confirm first." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_packing_slip_has_the_cooperative_the_address_the_lines_and_the_amount_to_collect(client, staff, na):
    cooperative = staff.membership.cooperative
    cooperative.street_address, cooperative.contact_phone = "Thôn Quán Thanh", "+84205123456"
    db.session.commit()
    order = make_order(na, quantity=3, address_line="5 Trần Đăng Ninh", note="Giao giờ hành chính")
    vendor_order = order.vendor_orders[0]

    response = client.get(f"/vendor/orders/{vendor_order.id}/packing-slip")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("HTX Na Chi Lăng", "Thôn Quán Thanh", vendor_order.code, "Nguyễn Thị Mai", "0912 345 678",
                 "5 Trần Đăng Ninh", *_place_names(), "Na Chi Lăng", "3 kg", "Giao giờ hành chính",
                 "Cash on delivery", f"Collect ₫{vendor_order.total:,}"):
        assert text in page, text


def test_a_cooperative_waiting_for_approval_has_no_orders_page(app, client, auth):
    user = make_user()
    make_cooperative(owner=user, status=CooperativeStatus.PENDING)
    auth.login(user.email)
    assert client.get("/vendor/orders").status_code == 403
