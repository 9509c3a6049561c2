"""The buyer's order pages through real requests: who may see an order (its buyer, or whoever
holds its signed link), cancelling, the history and saved addresses."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Product
from marketplace.orders import checkout
from marketplace.orders.fulfilment import change_state
from marketplace.orders.models import Order, SavedAddress
from marketplace.orders.order_links import order_key, order_link
from marketplace.orders.states import Actor, VendorOrderState

from ..factories import DEFAULT_PASSWORD, make_cooperative, make_order, make_product, make_user


@pytest.fixture
def products(app):
    return (make_product(make_cooperative(name="HTX Na Chi Lăng"), name="Na Chi Lăng", stock=10),
            make_product(make_cooperative(name="HTX Quảng Hồng"), name="Mật ong rừng", price=180_000, stock=5))


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def login(client, user):
    assert client.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return client


def stock(product) -> int:
    db.session.expire_all()
    return db.session.get(Product, product.id).stock_quantity


def test_a_guest_sees_the_order_only_through_its_signed_link(english, products):
    order = make_order(*products, quantity=2)
    other = make_order(products[0])
    key = order_key(order.number)

    response = english.get(f"/orders/{order.number}?key={key}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert order.number in html and "Placed, waiting for the cooperative" in html
    for part in order.vendor_orders:
        assert part.code in html and part.cooperative.name in html
    assert "Cash on delivery" in html and "Cancel order" in html

    assert english.get(f"/orders/{order.number}").status_code == 404
    assert english.get(f"/orders/{order.number}?key={key[:-2]}xy").status_code == 404
    assert english.get(f"/orders/{order.number}?key={order_key(other.number)}").status_code == 404
    assert english.get(f"/orders/CHX-26000000?key={key}").status_code == 404
    assert english.get(f"/orders/{order.number}?key=%C3%A9").status_code == 404


def test_order_link_is_the_absolute_signed_address_for_emails(client, products):
    order = make_order(products[0])
    link = order_link(order)
    assert link == f"http://localhost/orders/{order.number}?key={order_key(order.number)}"
    assert client.get(link).status_code == 200


def test_a_buyer_sees_their_own_orders_and_no_one_elses(english, products):
    mai, lan = make_user(), make_user()
    mine = make_order(products[0], buyer=mai)
    theirs = make_order(products[1], buyer=lan)
    login(english, mai)
    assert english.get(f"/orders/{mine.number}").status_code == 200
    assert english.get(f"/orders/{theirs.number}").status_code == 404
    assert english.post(f"/orders/{theirs.number}/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, theirs.id).vendor_orders[0].state == VendorOrderState.PLACED
    assert stock(products[1]) == 4


def test_cancelling_returns_the_stock_and_shows_the_order_cancelled(english, products):
    buyer = make_user()
    order = make_order(*products, quantity=3, buyer=buyer)
    login(english, buyer)
    response = english.post(f"/orders/{order.number}/cancel")
    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{order.number}"
    assert (stock(products[0]), stock(products[1])) == (10, 5)
    html = english.get(f"/orders/{order.number}").get_data(as_text=True)
    assert f"Your order {order.number} is cancelled." in html
    assert html.count("Cancelled") == 3 and "Cancel order" not in html  # the order and both parts


def test_a_guest_cancels_with_the_signed_link(client, products):
    order = make_order(products[0], quantity=2)
    key = order_key(order.number)
    assert client.post(f"/orders/{order.number}/cancel").status_code == 404
    response = client.post(f"/orders/{order.number}/cancel?key={key}")
    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{order.number}?key={key}"
    assert stock(products[0]) == 10


def test_once_a_cooperative_confirmed_the_buyer_is_told_it_can_no_longer_be_cancelled(english, products):
    buyer = make_user()
    order = make_order(*products, buyer=buyer)
    change_state(order.vendor_orders[0].id, VendorOrderState.CONFIRMED, Actor.COOPERATIVE)
    login(english, buyer)
    assert "Cancel order" not in english.get(f"/orders/{order.number}").get_data(as_text=True)
    response = english.post(f"/orders/{order.number}/cancel", follow_redirects=True)
    assert response.status_code == 200 and "can no longer be cancelled" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [vo.state for vo in db.session.get(Order, order.id).vendor_orders] == \
        [VendorOrderState.CONFIRMED, VendorOrderState.PLACED]


def test_each_part_shows_its_tracking_or_why_it_was_cancelled(english, products):
    order = make_order(*products)
    na_part, honey_part = order.vendor_orders
    for target in (VendorOrderState.CONFIRMED, VendorOrderState.PACKED):
        change_state(na_part.id, target, Actor.COOPERATIVE)
    change_state(na_part.id, VendorOrderState.SHIPPED, Actor.COOPERATIVE, carrier="Viettel Post",
                 tracking_number="VTP123456")
    change_state(honey_part.id, VendorOrderState.CANCELLED, Actor.COOPERATIVE, reason="Hết mật ong vụ này")
    html = english.get(f"/orders/{order.number}?key={order_key(order.number)}").get_data(as_text=True)
    assert "Viettel Post" in html and "VTP123456" in html and "Hết mật ong vụ này" in html
    assert "Status: <span class=\"status status-shipped\">Shipped</span>" in html


def test_the_history_lists_only_the_buyers_orders_newest_first_a_page_at_a_time(english, products, monkeypatch):
    monkeypatch.setattr(checkout, "HISTORY_PAGE_SIZE", 2)
    mai, lan = make_user(), make_user()
    first, second, third = (make_order(products[0], buyer=mai) for _ in range(3))
    theirs = make_order(products[1], buyer=lan)
    guest = make_order(products[1])
    login(english, mai)

    html = english.get("/account/orders").get_data(as_text=True)
    assert html.index(third.number) < html.index(second.number)
    assert first.number not in html and theirs.number not in html and guest.number not in html
    assert 'href="/account/orders?page=2"' in html
    html = english.get("/account/orders?page=2").get_data(as_text=True)
    assert first.number in html and third.number not in html
    assert english.get("/account/orders?page=99999999999999999999").status_code == 200
    assert english.get("/account/orders?page=-3").status_code == 200


def test_saved_addresses_are_listed_and_removed_by_their_owner_only(english, app):
    mai, lan = make_user(), make_user()
    address = {"full_name": "Nguyễn Thị Mai", "phone": "+84912345678", "province_code": 20, "ward_code": 6463}
    mine = SavedAddress(user_id=mai.id, address_line="12 Lê Lợi", **address)
    theirs = SavedAddress(user_id=lan.id, address_line="9 Bà Triệu", **address)
    db.session.add_all([mine, theirs])
    db.session.commit()
    login(english, mai)

    html = english.get("/account/addresses").get_data(as_text=True)
    assert "12 Lê Lợi" in html and "9 Bà Triệu" not in html
    assert english.post(f"/account/addresses/{theirs.id}/delete").status_code == 404
    assert english.post(f"/account/addresses/{mine.id}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.scalars(select(SavedAddress.address_line)).all() == ["9 Bà Triệu"]


def test_the_header_links_a_logged_in_buyer_to_their_orders(english, app):
    login(english, make_user())
    assert 'href="/account/orders"' in english.get("/").get_data(as_text=True)
