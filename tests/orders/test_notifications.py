"""Order emails, in Vietnamese: on placement to the buyer and each cooperative, on each change of
state to the buyer; inline without Redis, through the queue and a worker with it; and the
expire-reservations command that cancels unpaid orders and tells their buyers."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from rq import SimpleWorker
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.config import load_config
from marketplace.database import utcnow
from marketplace.extensions import db, mailer
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.jobs import get_queue
from marketplace.orders import fulfilment
from marketplace.orders.models import Order, PaymentMethod, VendorOrder
from marketplace.orders.notifications import notify_order_placed, notify_state_changed
from marketplace.orders.order_links import order_key
from marketplace.orders.states import Actor, VendorOrderState

from ..factories import make_cooperative, make_order, make_product, make_user

BUYER_EMAIL = "mai@example.com"
EXPIRED = ("The payment did not arrive in time, so the products kept for you were released. "
           "You are welcome to order again.")


def two_cooperatives():
    """Custard apples from a cooperative reached through its owner, honey from one with a contact address."""
    owner = make_user(email="chu.na@example.com", full_name="Hoàng Văn Hợp")
    na_coop = make_cooperative(name="HTX Na Chi Lăng", owner=owner)
    honey_coop = make_cooperative(name="HTX Mật ong Mẫu Sơn", owner=make_user(email="chu.mat@example.com"))
    honey_coop.contact_email = "donhang@matong.example"
    na_coop.shipping_flat_fee = 20_000
    db.session.commit()
    return (make_product(na_coop, name="Na Chi Lăng", price=85_000, stock=10),
            make_product(honey_coop, name="Mật ong bạc hà", price=250_000, stock=5), owner)


@pytest.fixture
def shop(app):
    return two_cooperatives()


def vnd(amount: int) -> str:
    """An amount as Vietnamese emails write it: 1.250.000 ₫ (with a no-break space)."""
    return f"{amount:,}".replace(",", ".") + "\xa0₫"


def body(message) -> str:
    return message.get_content()


def path_of(link: str) -> str:
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == "http://localhost"  # the SITE_URL of the tests
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_in(message) -> str:
    return next(word for word in body(message).split() if word.startswith("http://"))


def test_placing_emails_the_buyer_and_each_cooperative_in_vietnamese(client, auth, outbox, shop):
    na, honey, _owner = shop
    order = make_order(na, honey, quantity=2, email=BUYER_EMAIL)

    notify_order_placed(order)

    assert sorted(m["To"] for m in outbox) == sorted([BUYER_EMAIL, "chu.na@example.com", "donhang@matong.example"])
    to_buyer = next(m for m in outbox if m["To"] == BUYER_EMAIL)
    text = body(to_buyer)
    assert order.number in to_buyer["Subject"] and "Xin chào Nguyễn Thị Mai," in text
    assert f"Na Chi Lăng: 2 kg × {vnd(85_000)} = {vnd(170_000)}" in text
    assert f"Mật ong bạc hà: 2 kg × {vnd(250_000)} = {vnd(500_000)}" in text
    assert vnd(20_000) in text and vnd(190_000) in text  # the custard apples' shipping and part total
    assert vnd(690_000) in text and order.total == 690_000
    assert "12 Lê Lợi" in text and "0912 345 678" in text
    # Guests reach their order only through the signed link: it must open the page.
    assert "key=" in link_in(to_buyer) and client.get(path_of(link_in(to_buyer))).status_code == 200

    na_part = db.session.get(Order, order.id).vendor_orders[0]
    to_cooperative = next(m for m in outbox if m["To"] == "chu.na@example.com")
    assert na_part.code in to_cooperative["Subject"] and "Xin chào," in body(to_cooperative)
    assert "Na Chi Lăng: 2 kg" in body(to_cooperative) and "Mật ong" not in body(to_cooperative)
    assert "12 Lê Lợi" in body(to_cooperative)
    assert path_of(link_in(to_cooperative)) == f"/vendor/orders/{na_part.id}"
    auth.login("chu.na@example.com")
    assert client.get(path_of(link_in(to_cooperative))).status_code == 200


def test_a_state_change_emails_the_buyer_with_the_tracking_number(client, outbox, shop):
    na, _honey, owner = shop
    order = make_order(na, email=BUYER_EMAIL)
    part_id = db.session.get(Order, order.id).vendor_orders[0].id
    for target in (VendorOrderState.CONFIRMED, VendorOrderState.PACKED):
        fulfilment.change_state(part_id, target, Actor.COOPERATIVE, owner)

    event = fulfilment.change_state(part_id, VendorOrderState.SHIPPED, Actor.COOPERATIVE, owner,
                                    carrier="Viettel Post", tracking_number="VTP123456")
    notify_state_changed(event)

    [message] = outbox
    assert message["To"] == BUYER_EMAIL
    assert order.number in message["Subject"] and "HTX Na Chi Lăng" in message["Subject"]
    assert "Viettel Post" in body(message) and "VTP123456" in body(message)
    assert client.get(path_of(link_in(message))).status_code == 200


def test_a_cancellation_by_the_cooperative_gives_its_reason(outbox, shop):
    na, _honey, owner = shop
    order = make_order(na, email=BUYER_EMAIL)
    part_id = db.session.get(Order, order.id).vendor_orders[0].id

    notify_state_changed(fulfilment.change_state(part_id, VendorOrderState.CANCELLED, Actor.COOPERATIVE, owner,
                                                 reason="Mưa đá làm hỏng cả vườn na"))

    [message] = outbox
    assert order.number in message["Subject"] and "Mưa đá làm hỏng cả vườn na" in body(message)


def test_a_guest_without_email_gets_none_and_the_cooperatives_still_do(outbox, shop):
    na, honey, owner = shop
    order = make_order(na, honey)

    notify_order_placed(order)
    part_id = db.session.get(Order, order.id).vendor_orders[0].id
    notify_state_changed(fulfilment.change_state(part_id, VendorOrderState.CONFIRMED, Actor.COOPERATIVE, owner))

    assert sorted(m["To"] for m in outbox) == ["chu.na@example.com", "donhang@matong.example"]


def test_the_checkout_and_the_cooperative_s_buttons_send_the_emails(client, auth, outbox, shop):
    """Through the real pages: a guest places an order, a cooperative ships its part."""
    na, honey, owner = shop
    for product in (na, honey):
        client.post("/cart/items", data={"product": product.id, "quantity": 1}, headers={"Origin": "http://localhost"})
    page = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" type="hidden" value="([^"]+)"', page).group(1)
    placed = client.post("/checkout", data={
        "full_name": "Nguyễn Thị Mai", "phone": "0912 345 678", "email": BUYER_EMAIL, "province": "20",
        "ward": "6463", "address_line": "12 Lê Lợi", "payment_method": "cod", "invoice_type": "none",
        "checkout_token": token})
    assert placed.status_code == 303
    assert sorted(m["To"] for m in outbox) == sorted([BUYER_EMAIL, "chu.na@example.com", "donhang@matong.example"])

    order = db.session.scalar(select(Order))
    na_part = order.vendor_orders[0]
    auth.login(owner.email)
    for data in ({"to": "confirmed"}, {"to": "packed"},
                 {"to": "shipped", "carrier": "Viettel Post", "tracking_number": "VTP123456"}):
        assert client.post(f"/vendor/orders/{na_part.id}/state", data=data).status_code == 303

    to_buyer = [m for m in outbox[3:] if m["To"] == BUYER_EMAIL]
    assert len(to_buyer) == 3 and "VTP123456" in body(to_buyer[-1])


def test_a_guest_cancelling_on_the_order_page_is_emailed_for_each_part_and_each_cooperative_told(
        client, outbox, shop):
    na, honey, _owner = shop
    order = make_order(na, honey, email=BUYER_EMAIL)

    response = client.post(f"/orders/{order.number}/cancel?key={order_key(order.number)}")

    assert response.status_code == 303
    to_buyer = [m for m in outbox if m["To"] == BUYER_EMAIL]
    subjects = [m["Subject"] for m in to_buyer]
    assert len(subjects) == 2 and all(order.number in subject for subject in subjects)
    assert "HTX Na Chi Lăng" in subjects[0] and "HTX Mật ong Mẫu Sơn" in subjects[1]
    to_cooperatives = [m for m in outbox if m["To"] != BUYER_EMAIL]
    assert sorted(m["To"] for m in to_cooperatives) == ["chu.na@example.com", "donhang@matong.example"]
    assert all("Đừng chuẩn bị hay gửi đơn này" in body(m) for m in to_cooperatives)


def test_with_redis_the_emails_wait_for_the_worker(redis_app):
    na, honey, _owner = two_cooperatives()
    order = make_order(na, honey, email=BUYER_EMAIL)
    queue = get_queue()

    notify_order_placed(order)

    assert queue.count == 1 and mailer.outbox == []
    assert SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert sorted(m["To"] for m in mailer.outbox) == sorted(
        [BUYER_EMAIL, "chu.na@example.com", "donhang@matong.example"])
    assert all(order.number in body(m) for m in mailer.outbox)


def test_expire_reservations_cancels_unpaid_orders_restocks_and_tells_the_buyer(runner, outbox, shop):
    na, honey, _owner = shop
    unpaid = make_order(na, quantity=2, method=PaymentMethod.BANK_TRANSFER, email=BUYER_EMAIL)
    waiting = make_order(honey, method=PaymentMethod.BANK_TRANSFER, email=BUYER_EMAIL)
    cash = make_order(na, email=BUYER_EMAIL)
    expired_part = db.session.get(Order, unpaid.id).vendor_orders[0]
    expired_part.reserved_until = utcnow() - timedelta(minutes=1)
    db.session.commit()

    result = runner.invoke(args=["expire-reservations"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 unpaid vendor orders cancelled")
    states = [db.session.get(Order, o.id).vendor_orders[0].state for o in (unpaid, waiting, cash)]
    assert states == [VendorOrderState.CANCELLED, VendorOrderState.PENDING_PAYMENT, VendorOrderState.PLACED]
    db.session.expire_all()
    assert db.session.get(Product, na.id).stock_quantity == 10 - 1  # only the cash order's unit is gone
    assert db.session.scalar(select(StockMovement.quantity).where(
        StockMovement.reason == MovementReason.CANCELLATION,
        StockMovement.reference == db.session.get(VendorOrder, expired_part.id).code)) == 2
    told_cooperative, message = outbox  # the cooperative, told not to ship it, then the buyer
    assert message["To"] == BUYER_EMAIL and unpaid.number in message["Subject"]
    assert told_cooperative["To"] == "chu.na@example.com" and expired_part.code in told_cooperative["Subject"]
    with force_locale("vi"):
        assert gettext(EXPIRED) in body(message)
        assert "không được thanh toán kịp thời hạn" in told_cooperative["Subject"]

    again = runner.invoke(args=["expire-reservations"])
    assert again.output.startswith("0 unpaid") and len(outbox) == 2


def test_the_reservation_lasts_as_configured(tmp_path):
    environ = {"MARKETPLACE_ENV": "testing", "SECRET_KEY": "x"}
    assert load_config(str(tmp_path), environ)["ORDER_RESERVATION"] == timedelta(minutes=30)
    configured = load_config(str(tmp_path), {**environ, "ORDER_RESERVATION_MINUTES": "45"})
    assert configured["ORDER_RESERVATION"] == timedelta(minutes=45)
