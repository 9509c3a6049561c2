"""POST /payments/stripe/webhook: deliveries signed by localstripe settle attempts whose answer was
lost; a missing, wrong or stale signature is refused and changes nothing; a replayed event
changes nothing; other events are kept; a gateway that cannot be asked means "send it again"."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db, mailer
from marketplace.orders.models import VendorOrder, VendorOrderEvent
from marketplace.orders.states import VendorOrderState
from marketplace.payments.gateway import sign_webhook
from marketplace.payments.models import GatewayEvent, Payment, PaymentStatus

from ..factories import make_cooperative, make_product
from .conftest import TEST_WEBHOOK_SECRET, attempt_with_lost_answer, card_settings, free_port, place_card_order

WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture
def order(card_app):
    return place_card_order(make_product(make_cooperative(name="HTX Na Chi Lăng"), price=85_000))


def post(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post(WEBHOOK, data=body, headers=headers)


def signed(event: dict, secret: str = TEST_WEBHOOK_SECRET, at: int | None = None) -> tuple[bytes, str]:
    body = json.dumps(event).encode()
    return body, sign_webhook(body, secret, int(time.time()) if at is None else at)


def delivery_about(localstripe_webhooks, event_type: str, intent_id: str):
    def matching(delivery):
        event = json.loads(delivery.body)
        return event["type"] == event_type and event["data"]["object"]["id"] == intent_id
    return localstripe_webhooks.first(matching)


def state_of(payment: Payment) -> tuple:
    db.session.expire_all()
    parts = db.session.scalars(select(VendorOrder.state).where(VendorOrder.order_id == payment.order_id)).all()
    return db.session.get(Payment, payment.id).status, parts


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_signed_succeeded_event_marks_the_order_paid_and_its_replay_changes_nothing(
        card_app, card_client, order, cutting_proxy, localstripe_webhooks):
    payment = attempt_with_lost_answer(card_app, cutting_proxy, order)
    assert state_of(payment) == (PaymentStatus.PENDING, [VendorOrderState.PENDING_PAYMENT])
    delivery = delivery_about(localstripe_webhooks, "payment_intent.succeeded", payment.reference)

    response = post(card_client, delivery.body, delivery.headers["stripe-signature"])

    assert (response.status_code, response.get_data(as_text=True)) == (200, "applied")
    assert state_of(payment) == (PaymentStatus.SUCCEEDED, [VendorOrderState.PLACED])
    [kept] = db.session.scalars(select(GatewayEvent)).all()
    assert (kept.event_id, kept.type, kept.payment_id) == (json.loads(delivery.body)["id"], "payment_intent.succeeded",
                                                           payment.id)
    events, mails = count(VendorOrderEvent), len(mailer.outbox)
    assert [m["To"] for m in mailer.outbox] == ["mai@example.com"]

    replayed = post(card_client, delivery.body, delivery.headers["stripe-signature"])

    assert (replayed.status_code, replayed.get_data(as_text=True)) == (200, "replayed")
    assert (count(GatewayEvent), count(VendorOrderEvent), len(mailer.outbox)) == (1, events, mails)


def test_a_signed_payment_failed_event_fails_the_attempt_with_its_decline_code(
        card_app, card_client, order, cutting_proxy, localstripe_webhooks):
    payment = attempt_with_lost_answer(card_app, cutting_proxy, order, "declined")
    delivery = delivery_about(localstripe_webhooks, "payment_intent.payment_failed", payment.reference)

    assert post(card_client, delivery.body, delivery.headers["stripe-signature"]).status_code == 200

    assert state_of(payment) == (PaymentStatus.FAILED, [VendorOrderState.PENDING_PAYMENT])
    assert db.session.get(Payment, payment.id).note == "card_declined"


@pytest.mark.parametrize("signature", [
    None,
    "",
    "t=abc,v1=00",
    "wrong secret",
    "stale",
    "signs another body",
])
def test_a_delivery_without_a_good_signature_is_refused_and_changes_nothing(
        card_app, card_client, order, cutting_proxy, signature):
    payment = attempt_with_lost_answer(card_app, cutting_proxy, order)
    event = {"id": "evt_forged", "type": "payment_intent.succeeded", "object": "event",
             "data": {"object": {"id": payment.reference, "object": "payment_intent", "status": "succeeded"}}}
    body, good = signed(event)
    header = {"wrong secret": signed(event, "whsec_other")[1], "stale": signed(event, at=int(time.time()) - 301)[1],
              "signs another body": signed({**event, "id": "evt_other"})[1]}.get(signature, signature)

    response = post(card_client, body, header)

    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert state_of(payment) == (PaymentStatus.PENDING, [VendorOrderState.PENDING_PAYMENT])
    assert count(GatewayEvent) == 0
    assert post(card_client, body, good).status_code == 200  # the same event, signed: applied
    assert state_of(payment)[0] == PaymentStatus.SUCCEEDED


def test_a_signed_body_that_is_not_an_event_is_refused(card_client):
    body = b"[1, 2, 3]"
    response = post(card_client, body, sign_webhook(body, TEST_WEBHOOK_SECRET, int(time.time())))
    assert response.status_code == 400 and count(GatewayEvent) == 0


@pytest.mark.parametrize("event", [
    {"id": "evt_charge", "type": "charge.succeeded", "data": {"object": {"id": "ch_1", "object": "charge"}}},
    {"id": "evt_unknown", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_nobody_made"}}},
    {"id": "evt_odd", "type": "payment_intent.succeeded", "data": "not an object"},
])
def test_other_events_and_events_about_unknown_intents_are_kept_once_and_change_nothing(card_client, order, event):
    body, signature = signed(event)
    first, again = post(card_client, body, signature), post(card_client, body, signature)
    assert (first.status_code, first.get_data(as_text=True)) == (200, "kept")
    assert (again.status_code, again.get_data(as_text=True)) == (200, "replayed")
    assert db.session.scalars(select(GatewayEvent.event_id)).all() == [event["id"]]
    assert count(Payment) == 0


def test_when_the_gateway_cannot_be_asked_the_event_is_not_kept_and_its_next_delivery_applies(
        card_app, card_client, order, cutting_proxy):
    payment = attempt_with_lost_answer(card_app, cutting_proxy, order)
    body, signature = signed({"id": "evt_retried", "type": "payment_intent.succeeded",
                              "data": {"object": {"id": payment.reference}}})
    working = card_app.config["STRIPE_API_BASE"]
    card_app.config.update(card_settings(f"http://127.0.0.1:{free_port()}"))

    assert post(card_client, body, signature).status_code == 503
    assert count(GatewayEvent) == 0 and state_of(payment)[0] == PaymentStatus.PENDING

    card_app.config.update(card_settings(working))
    assert post(card_client, body, signature).status_code == 200
    assert count(GatewayEvent) == 1 and state_of(payment)[0] == PaymentStatus.SUCCEEDED


def test_a_webhook_without_a_configured_secret_is_refused(card_app, card_client):
    card_app.config["STRIPE_WEBHOOK_SECRET"] = None
    body, signature = signed({"id": "evt_1", "type": "charge.succeeded", "data": {"object": {}}})
    assert post(card_client, body, signature).status_code == 400 and count(GatewayEvent) == 0


def test_the_webhook_needs_no_csrf_token(make_app, localstripe):
    app = make_app(WTF_CSRF_ENABLED=True, **card_settings(localstripe.url))
    body, signature = signed({"id": "evt_csrf", "type": "charge.succeeded", "data": {"object": {}}})
    with app.app_context():
        assert post(app.test_client(), body, signature).status_code == 200
        assert count(GatewayEvent) == 1
