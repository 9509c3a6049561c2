"""POST /payments/stripe/webhook: deliveries signed by localstripe settle attempts whose answer was
lost; a missing, wrong or stale signature is refused and changes nothing; a replayed event
changes nothing; other events are kept; a gateway that cannot be asked means "send it again".
Refund events (localstripe sends none: the tests sign them) settle refunds as the gateway reports
them and record refunds made in its dashboard."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db, mailer
from marketplace.orders.models import PaymentMethod, VendorOrder, VendorOrderEvent
from marketplace.orders.states import VendorOrderState
from marketplace.payments import card, records, refunds
from marketplace.payments.gateway import sign_webhook
from marketplace.payments.models import GatewayEvent, Payment, PaymentKind, PaymentStatus

from ..factories import make_cooperative, make_product
from .conftest import (TEST_WEBHOOK_SECRET, attempt_with_lost_answer, card_settings, free_port, paid_by_card,
                       place_card_order)

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


# --- refunds ---------------------------------------------------------------------------------

@pytest.fixture
def paid(card_app):
    """An order of two cooperatives' goods (85,000 and 40,000), paid by card at localstripe."""
    order = place_card_order(make_product(make_cooperative(name="HTX Na Chi Lăng"), price=85_000),
                             make_product(make_cooperative(name="HTX Chè Tân Cương"), price=40_000))
    return paid_by_card(order)


def refund_event(event_id: str, refund_id: str, intent_id: str, event_type: str = "refund.updated", **fields):
    return {"id": event_id, "type": event_type, "object": "event",
            "data": {"object": {"id": refund_id, "object": "refund", "payment_intent": intent_id} | fields}}


def charge_refunded(event_id: str, intent_id: str) -> dict:
    """As sent since the 2022-11-15 API version: the charge, without its list of refunds."""
    return {"id": event_id, "type": "charge.refunded", "object": "event",
            "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": intent_id, "refunded": True}}}


def refund_records() -> list[Payment]:
    db.session.expire_all()
    return db.session.scalars(select(Payment).where(Payment.kind == PaymentKind.REFUND).order_by(Payment.id)).all()


def allocated(payment: Payment) -> dict[int, int]:
    return {allocation.vendor_order_id: allocation.amount for allocation in payment.allocations}


def pending_card_refund(card_app, refund_reporter, part, amount: int, reason: str) -> Payment:
    """A card refund sent to a gateway that reports it pending."""
    card_app.config["STRIPE_API_BASE"] = refund_reporter.url
    refund_reporter.every = {"status": "pending"}
    return refunds.send_card_refund(
        refunds.record_refund(part.cooperative_id, part.id, None, amount, reason).id, card.gateway())


def test_a_refund_event_settles_the_refund_as_the_gateway_reports_it_and_its_replay_changes_nothing(
        card_app, card_client, paid, refund_reporter):
    part = paid.allocations[0].vendor_order
    refund = pending_card_refund(card_app, refund_reporter, part, 30_000, "Hàng dập")
    assert refund.status == PaymentStatus.PENDING and refund.reference.startswith("re_")

    early = post(card_client, *signed(refund_event("evt_says_succeeded", refund.reference, paid.reference,
                                                   status="succeeded")))
    assert (early.status_code, [r.status for r in refund_records()]) == (200, [PaymentStatus.PENDING])

    refund_reporter.every = {}  # the gateway settles it
    body, signature = signed(refund_event("evt_settled", refund.reference, paid.reference, status="succeeded"))
    response = post(card_client, body, signature)

    assert (response.status_code, response.get_data(as_text=True)) == (200, "applied")
    [settled] = refund_records()
    assert (settled.id, settled.status, settled.reference) == (refund.id, PaymentStatus.SUCCEEDED, refund.reference)
    assert records.balances([part.id])[part.id].refunded == 30_000
    kept = db.session.execute(select(GatewayEvent.event_id, GatewayEvent.payment_id).order_by(GatewayEvent.id)).all()
    assert kept == [("evt_says_succeeded", paid.id), ("evt_settled", paid.id)]

    replayed = post(card_client, body, signature)
    assert (replayed.status_code, replayed.get_data(as_text=True)) == (200, "replayed")
    assert count(GatewayEvent) == 2 and len(refund_records()) == 1


def test_a_failed_refund_event_fails_the_refund_with_the_gateways_reason_and_frees_the_amount(
        card_app, card_client, paid, refund_reporter):
    part = paid.allocations[0].vendor_order
    refund = pending_card_refund(card_app, refund_reporter, part, part.total, "Khách hủy")
    refund_reporter.by_id[refund.reference] = {"status": "failed", "failure_reason": "expired_or_canceled_card"}

    response = post(card_client, *signed(refund_event("evt_failed", refund.reference, paid.reference,
                                                      "refund.failed", status="failed")))

    assert response.status_code == 200
    [failed] = refund_records()
    assert failed.status == PaymentStatus.FAILED and "expired_or_canceled_card" in failed.note
    assert refunds.refundable(part.id) == part.total


@pytest.mark.parametrize("about", ["an intent of nobody", "our intent"])
def test_an_event_about_a_refund_the_gateway_does_not_have_is_kept_and_changes_nothing(card_client, paid, about):
    intent_id = paid.reference if about == "our intent" else "pi_nobody_made"
    body, signature = signed(refund_event("evt_unknown", "re_unknown", intent_id, status="succeeded", amount=85_000))

    response = post(card_client, body, signature)

    assert response.status_code == 200
    assert db.session.scalars(select(GatewayEvent.event_id)).all() == ["evt_unknown"]
    assert refund_records() == []


def test_a_refund_made_in_the_gateways_dashboard_is_recorded_once_across_the_paid_parts(
        card_client, paid, gateway):
    first, second = [allocation.vendor_order_id for allocation in paid.allocations]
    outside = gateway.refund(paid.reference, 50_001, "made-in-the-dashboard")

    response = post(card_client, *signed(charge_refunded("evt_charge_refunded", paid.reference)))
    again = post(card_client, *signed(refund_event("evt_refund_created", outside.id, paid.reference,
                                                   "refund.created", status="succeeded")))

    assert (response.status_code, again.status_code) == (200, 200)
    [recorded] = refund_records()
    assert (recorded.status, recorded.method, recorded.amount, recorded.reference) == \
        (PaymentStatus.SUCCEEDED, PaymentMethod.CARD, 50_001, outside.id)
    assert allocated(recorded) == {first: 34_000, second: 16_001}  # 85:40, the remainder đồng on the last part
    assert recorded.note.startswith(refunds.REFUNDED_AT_GATEWAY)
    assert records.balances([first])[first].refunded == 34_000


def test_a_dashboard_refund_of_more_than_is_left_is_recorded_with_a_note(card_client, paid, gateway):
    first, second = paid.allocations[0].vendor_order, paid.allocations[1].vendor_order
    refunds.send_card_refund(refunds.record_refund(first.cooperative_id, first.id, None, first.total, "Hết hàng").id,
                             gateway)
    outside = gateway.refund(paid.reference, 50_000, "more-in-the-dashboard")

    assert post(card_client, *signed(refund_event("evt_more", outside.id, paid.reference))).status_code == 200

    recorded = refund_records()[-1]
    assert (recorded.status, allocated(recorded)) == (PaymentStatus.SUCCEEDED, {second.id: 50_000})
    assert f"{refunds.MORE_THAN_PAID}: only 40000" in recorded.note
    assert records.balances([second.id])[second.id] == records.Balance(40_000, 40_000, 50_000)
