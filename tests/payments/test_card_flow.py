"""Paying an order by card against localstripe, through real requests: the succeeding and the
declined test card, a form sent twice, the gateway down, failing or silent before anything was
charged, the gateway stopped between creating and confirming, who may see the pay page, and
the gateway's own card form outside the local test server."""
from __future__ import annotations

import re

import pytest
import stripe
from sqlalchemy import select

from marketplace.extensions import db, mailer
from marketplace.orders.models import Order, VendorOrder
from marketplace.orders.order_links import order_key
from marketplace.orders.states import VendorOrderState
from marketplace.payments.models import Payment, PaymentStatus

from ..factories import DEFAULT_PASSWORD, make_cooperative, make_product, make_user
from .conftest import TEST_SECRET_KEY, card_settings

SAME_SITE = {"Origin": "http://localhost"}
DELIVERY = {"full_name": "Nguyễn Thị Mai", "phone": "0912 345 678", "email": "mai@example.com", "province": "20",
            "ward": "6463", "address_line": "12 Lê Lợi", "note": "", "payment_method": "card", "invoice_type": "none"}


@pytest.fixture
def shop(card_app):
    na_coop, honey_coop = make_cooperative(name="HTX Na Chi Lăng"), make_cooperative(name="HTX Quảng Hồng")
    return (make_product(na_coop, name="Na Chi Lăng", price=85_000),
            make_product(honey_coop, name="Mật ong rừng", price=180_000))


@pytest.fixture
def buyer(card_app, card_client):
    user = make_user(email="mai@example.com", full_name="Nguyễn Thị Mai")
    card_client.set_cookie("lang", "en")
    assert card_client.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return card_client


def place_card_order(client, *products) -> Order:
    for product in products:
        assert client.post("/cart/items", data={"product": product.id, "quantity": 2}, headers=SAME_SITE).status_code == 303
    page = client.get("/checkout").get_data(as_text=True)
    assert 'value="card"' in page
    token = re.search(r'name="checkout_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/checkout", data={**DELIVERY, "checkout_token": token})
    assert response.status_code == 303
    return db.session.scalar(select(Order).order_by(Order.id.desc()))


def pay_form(client, order: Order, test_card: str = "succeeding", query: str = "") -> dict:
    page = client.get(f"/orders/{order.number}/pay{query}")
    assert page.status_code == 200
    attempt = re.search(r'name="attempt" type="hidden" value="([0-9a-f]{16})"', page.get_data(as_text=True)).group(1)
    return {"attempt": attempt, "test_card": test_card}


def pay(client, order: Order, test_card: str = "succeeding"):
    return client.post(f"/orders/{order.number}/pay", data=pay_form(client, order, test_card))


def payments(order: Order) -> list[Payment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).where(Payment.order_id == order.id).order_by(Payment.id)))


def part_states(order: Order) -> list[VendorOrderState]:
    db.session.expire_all()
    return list(db.session.scalars(select(VendorOrder.state).where(VendorOrder.order_id == order.id)
                                   .order_by(VendorOrder.id)))


def intents_at_gateway(card_app, order: Order) -> list[stripe.PaymentIntent]:
    client = stripe.StripeClient(TEST_SECRET_KEY, base_addresses={"api": card_app.config["STRIPE_API_BASE"]})
    return [intent for intent in client.v1.payment_intents.list({"limit": 100}).data
            if intent.metadata.to_dict().get("order_number") == order.number]


def succeeded_at_gateway(card_app, order: Order) -> list[stripe.PaymentIntent]:
    return [intent for intent in intents_at_gateway(card_app, order) if intent.status == "succeeded"]


PENDING, PLACED = VendorOrderState.PENDING_PAYMENT, VendorOrderState.PLACED


def test_a_buyer_pays_the_whole_order_by_card_and_its_parts_go_to_the_cooperatives(card_app, buyer, shop):
    order = place_card_order(buyer, *shop)
    assert part_states(order) == [PENDING, PENDING]
    order_page = buyer.get(f"/orders/{order.number}").get_data(as_text=True)
    assert f'href="/orders/{order.number}/pay"' in order_page and "Pay by card" in order_page
    sent_before = len(mailer.outbox)

    response = pay(buyer, order)

    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{order.number}"
    assert part_states(order) == [PLACED, PLACED]
    [payment] = payments(order)
    assert (payment.status, payment.amount, payment.method.value) == (PaymentStatus.SUCCEEDED, order.total, "card")
    assert order.total == 2 * 85_000 + 2 * 180_000 + sum(vo.shipping_fee for vo in order.vendor_orders)
    assert sorted((a.vendor_order_id, a.amount) for a in payment.allocations) == \
        sorted((vo.id, vo.total) for vo in order.vendor_orders)
    [intent] = intents_at_gateway(card_app, order)
    assert (payment.reference, intent.status, intent.amount, intent.currency) == (intent.id, "succeeded", order.total, "vnd")
    to_buyer = [m for m in mailer.outbox[sent_before:] if m["To"] == "mai@example.com"]
    assert len(to_buyer) == 2 and all(order.number in m["Subject"] for m in to_buyer)  # one per part placed
    page = buyer.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "your card payment was received" in page and "nothing: paid in full" in page and "Pay by card" not in page


def test_a_declined_card_fails_the_attempt_with_its_code_and_a_retry_pays_once(card_app, buyer, shop):
    order = place_card_order(buyer, shop[0])

    declined = pay(buyer, order, "declined")

    assert declined.status_code == 303 and declined.headers["Location"] == f"/orders/{order.number}/pay"
    assert "The card was declined and nothing was charged" in buyer.get(declined.headers["Location"]).get_data(as_text=True)
    [failed] = payments(order)
    assert (failed.status, failed.note, failed.reference[:3]) == (PaymentStatus.FAILED, "card_declined", "pi_")
    assert part_states(order) == [PENDING]

    form = pay_form(buyer, order)
    assert buyer.post(f"/orders/{order.number}/pay", data={**form, "test_card": "declined"}).status_code == 303
    again = buyer.post(f"/orders/{order.number}/pay", data={**form, "test_card": "declined"})  # the same form
    assert again.headers["Location"] == f"/orders/{order.number}/pay" and len(payments(order)) == 2

    assert pay(buyer, order, "succeeding").status_code == 303
    assert [p.status for p in payments(order)] == [PaymentStatus.FAILED, PaymentStatus.FAILED, PaymentStatus.SUCCEEDED]
    assert part_states(order) == [PLACED]
    assert len(succeeded_at_gateway(card_app, order)) == 1


def test_the_pay_form_sent_twice_charges_once(card_app, buyer, shop):
    order = place_card_order(buyer, shop[0])
    form = pay_form(buyer, order)

    first = buyer.post(f"/orders/{order.number}/pay", data=form)
    again = buyer.post(f"/orders/{order.number}/pay", data=form)

    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == f"/orders/{order.number}"
    assert "This order has nothing left to pay." in buyer.get(again.headers["Location"]).get_data(as_text=True)
    assert len(payments(order)) == 1 and len(intents_at_gateway(card_app, order)) == 1


def test_an_attempt_sent_again_while_it_is_being_checked_is_not_charged_again(card_app, buyer, shop, cutting_proxy):
    order = place_card_order(buyer, shop[0])
    card_app.config["STRIPE_API_BASE"] = cutting_proxy.url
    cutting_proxy.drop(lambda method, path: path.endswith("/confirm"), after_forwarding=True)
    form = pay_form(buyer, order)

    first = buyer.post(f"/orders/{order.number}/pay", data=form)
    assert first.status_code == 303 and first.headers["Location"] == f"/orders/{order.number}"
    assert "Your payment is being checked" in buyer.get(first.headers["Location"]).get_data(as_text=True)
    [payment] = payments(order)
    assert payment.status == PaymentStatus.PENDING and payment.reference.startswith("pi_")

    cutting_proxy.heal()
    again = buyer.post(f"/orders/{order.number}/pay", data=form)  # the buyer pressed the button again

    assert again.status_code == 303 and part_states(order) == [PLACED]
    assert [p.status for p in payments(order)] == [PaymentStatus.SUCCEEDED]
    assert len(intents_at_gateway(card_app, order)) == 1
    assert sum(path.endswith("/confirm") for path in (r.path for r in cutting_proxy.requests)) == 1


@pytest.mark.parametrize("broken", ["unavailable_gateway", "failing_gateway", "silent_gateway"])
def test_a_gateway_down_failing_or_silent_charges_nothing_keeps_the_order_waiting_and_a_retry_pays(
        card_app, buyer, shop, broken, request):
    order = place_card_order(buyer, shop[0])
    down = request.getfixturevalue(broken).config
    card_app.config.update(card_settings(down.api_base, down.timeout))

    response = pay(buyer, order)

    assert response.status_code == 503
    assert "The card service is not answering. Nothing was charged" in response.get_data(as_text=True)
    [attempt] = payments(order)
    assert (attempt.status, attempt.reference) == (PaymentStatus.PENDING, "")
    assert part_states(order) == [PENDING]

    card_app.config.update(card_settings(request.getfixturevalue("localstripe").url))
    assert intents_at_gateway(card_app, order) == []
    assert pay(buyer, order).status_code == 303
    assert [p.status for p in payments(order)] == [PaymentStatus.PENDING, PaymentStatus.SUCCEEDED]
    assert part_states(order) == [PLACED] and len(succeeded_at_gateway(card_app, order)) == 1


def test_the_gateway_stopped_before_confirming_loses_nothing_and_the_retry_charges_once(card_app, buyer, shop,
                                                                                        cutting_proxy):
    order = place_card_order(buyer, shop[0])
    card_app.config["STRIPE_API_BASE"] = cutting_proxy.url
    cutting_proxy.drop(lambda method, path: path.endswith("/confirm"))  # stops after creating the intent

    response = pay(buyer, order)

    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{order.number}"
    [stuck] = payments(order)
    assert stuck.status == PaymentStatus.PENDING and stuck.reference.startswith("pi_")
    assert part_states(order) == [PENDING]
    assert [i.status for i in intents_at_gateway(card_app, order)] == ["requires_confirmation"]

    cutting_proxy.drop(lambda method, path: True)  # now entirely down: no new attempt is started
    assert pay(buyer, order).status_code == 303
    assert len(payments(order)) == 1

    cutting_proxy.heal()
    assert pay(buyer, order).status_code == 303
    assert [p.status for p in payments(order)] == [PaymentStatus.PENDING, PaymentStatus.SUCCEEDED]
    assert part_states(order) == [PLACED] and len(succeeded_at_gateway(card_app, order)) == 1


def test_only_the_buyer_or_the_signed_link_opens_the_pay_page(card_app, card_client, buyer, shop):
    order = place_card_order(buyer, shop[0])
    buyer.post("/account/logout")
    assert card_client.get(f"/orders/{order.number}/pay").status_code == 404
    assert card_client.post(f"/orders/{order.number}/pay", data={"attempt": "0" * 16}).status_code == 404
    assert card_client.get(f"/orders/{order.number}/pay?key=forged").status_code == 404
    assert card_client.get(f"/orders/{order.number}/pay/return?payment_intent=pi_x").status_code == 404
    someone = make_user(email="khac@example.com")
    card_client.post("/account/login", data={"email": someone.email, "password": DEFAULT_PASSWORD})
    assert card_client.get(f"/orders/{order.number}/pay").status_code == 404
    assert card_client.get(f"/orders/{order.number}/pay?key={order_key(order.number)}").status_code == 200
    assert payments(order) == []


def test_a_guest_pays_through_the_signed_link(card_app, card_client, shop):
    card_client.set_cookie("lang", "en")
    order = place_card_order(card_client, shop[1])
    key = order_key(order.number)
    assert f'href="/orders/{order.number}/pay?key={key}"' in card_client.get(
        f"/orders/{order.number}?key={key}").get_data(as_text=True)

    response = card_client.post(f"/orders/{order.number}/pay?key={key}",
                                data=pay_form(card_client, order, query=f"?key={key}"))

    assert response.headers["Location"] == f"/orders/{order.number}?key={key}"
    assert part_states(order) == [PLACED]


def test_an_order_paid_otherwise_or_already_paid_sends_the_buyer_back_to_it(card_app, buyer, shop):
    order = place_card_order(buyer, shop[0])
    pay(buyer, order)
    response = buyer.get(f"/orders/{order.number}/pay")
    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{order.number}"
    assert "This order has nothing left to pay." in buyer.get(response.headers["Location"]).get_data(as_text=True)

    order.payment_method = order.payment_method.COD
    db.session.commit()
    response = buyer.get(f"/orders/{order.number}/pay", follow_redirects=True)
    assert "This order is not paid by card." in response.get_data(as_text=True)


def test_an_invalid_form_is_shown_again_with_a_new_attempt_and_nothing_is_charged(card_app, buyer, shop):
    order = place_card_order(buyer, shop[0])
    response = buyer.post(f"/orders/{order.number}/pay", data={"attempt": "not-a-token", "test_card": "succeeding"})
    assert response.status_code == 422
    assert "This form has expired" in response.get_data(as_text=True)
    assert payments(order) == []


@pytest.fixture
def production_like(card_app, localstripe):
    """localstripe at an address not taken for a local test server (127.1 is 127.0.0.1 spelt short)."""
    card_app.config["STRIPE_API_BASE"] = localstripe.url.replace("127.0.0.1", "127.1", 1)
    return card_app


def test_outside_the_test_server_the_gateway_s_own_form_takes_the_card_and_the_return_applies_it(
        production_like, buyer, shop):
    order = place_card_order(buyer, shop[0])
    page = buyer.get(f"/orders/{order.number}/pay").get_data(as_text=True)
    assert "test_card" not in page

    response = buyer.post(f"/orders/{order.number}/pay", data={"attempt": "a" * 16})

    html = response.get_data(as_text=True)
    [attempt] = payments(order)
    assert response.status_code == 200 and 'src="https://js.stripe.com/v3/"' in html
    client_secret = re.search(r'data-client-secret="([^"]+)"', html).group(1)
    assert client_secret.startswith(attempt.reference) and 'data-publishable-key="pk_test_coop_market"' in html
    assert f'data-return-url="http://localhost/orders/{order.number}/pay/return"' in html
    assert "/static/js/card-payment.js" in html and "<script>" not in html  # no inline script
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' https://js.stripe.com" in policy and "frame-src https://js.stripe.com" in policy

    # What the gateway's script does in the browser: the card, then the confirmation.
    gateway = stripe.StripeClient(TEST_SECRET_KEY, base_addresses={"api": production_like.config["STRIPE_API_BASE"]})
    gateway.v1.payment_intents.update(attempt.reference, {"payment_method": "pm_card_visa"})
    gateway.v1.payment_intents.confirm(attempt.reference)
    back = buyer.get(f"/orders/{order.number}/pay/return?payment_intent={attempt.reference}")

    assert back.status_code == 303 and back.headers["Location"] == f"/orders/{order.number}"
    assert part_states(order) == [PLACED] and payments(order)[0].status == PaymentStatus.SUCCEEDED
    assert buyer.get(f"/orders/{order.number}/pay/return?payment_intent=pi_someone_else").status_code == 404

