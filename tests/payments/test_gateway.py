"""The card gateway adapter against a real localstripe server, its error mapping, and the
signature of webhook deliveries."""
from __future__ import annotations

import json
import time
from urllib.parse import parse_qs

import pytest
import stripe

from marketplace.payments.gateway import (
    GatewayConfig, GatewayRefused, GatewayUnavailable, InvalidSignature, sign_webhook, verify_webhook,
)

VISA = "pm_card_visa"
DECLINED_CARD = "pm_card_chargeCustomerFail"


def paid(gateway, amount=150_000, order_number="CHX-0000000A"):
    intent = gateway.create_intent(amount, order_number, f"{order_number}-create", VISA)
    return gateway.confirm(intent.id, f"{order_number}-confirm")


# --- payments against localstripe ----------------------------------------------------------

def test_a_visa_card_pays_the_whole_amount_in_dong(gateway):
    created = gateway.create_intent(150_000, "CHX-0000000A", "create-1", VISA)
    assert (created.status, created.amount, created.currency) == ("requires_confirmation", 150_000, "vnd")
    assert created.client_secret.startswith(created.id)

    confirmed = gateway.confirm(created.id, "confirm-1")
    assert (confirmed.id, confirmed.status, confirmed.amount) == (created.id, "succeeded", 150_000)
    assert confirmed.metadata == {"order_number": "CHX-0000000A"}
    assert confirmed.last_error_code is None


def test_retrieve_reports_the_intent_as_the_gateway_keeps_it(gateway):
    confirmed = paid(gateway, 85_000, "CHX-0000000B")
    assert gateway.retrieve(confirmed.id) == confirmed


def test_a_declined_card_is_an_outcome_with_its_decline_code_not_an_error(gateway):
    intent = gateway.create_intent(150_000, "CHX-0000000C", "create-2", DECLINED_CARD)
    declined = gateway.confirm(intent.id, "confirm-2")
    assert declined.status == "requires_payment_method"
    assert (declined.last_error_code, declined.last_error_message) == ("card_declined", "Your card was declined.")
    assert gateway.retrieve(intent.id).last_error_code == "card_declined"


def test_a_partial_refund_gives_back_part_of_a_payment(gateway):
    payment = paid(gateway)
    refund = gateway.refund(payment.id, 50_000, "refund-1")
    assert (refund.id[:3], refund.status, refund.amount) == ("re_", "succeeded", 50_000)


def test_every_write_sends_its_idempotency_key_and_the_amount_in_whole_dong(recorded_gateway):
    gateway, sent = recorded_gateway.gateway, recorded_gateway.requests
    intent = gateway.create_intent(150_000, "CHX-0000000D", "create-key", VISA)
    gateway.confirm(intent.id, "confirm-key")
    gateway.refund(intent.id, 50_000, "refund-key")
    gateway.retrieve(intent.id)

    assert [(r.method, r.path, r.headers.get("idempotency-key")) for r in sent] == [
        ("POST", "/v1/payment_intents", "create-key"),
        ("POST", f"/v1/payment_intents/{intent.id}/confirm", "confirm-key"),
        ("POST", "/v1/refunds", "refund-key"),
        ("GET", f"/v1/payment_intents/{intent.id}", None),
    ]
    assert parse_qs(sent[0].body.decode()) == {
        "amount": ["150000"], "currency": ["vnd"], "payment_method_types[0]": ["card"],
        "metadata[order_number]": ["CHX-0000000D"], "payment_method": [VISA]}
    assert sent[1].body == b""  # localstripe refuses a confirm with parameters
    assert parse_qs(sent[2].body.decode()) == {"payment_intent": [intent.id], "amount": ["50000"]}
    assert all(r.headers["authorization"] == "Bearer sk_test_coop_market" for r in sent)


def test_a_refund_reason_is_passed_on_and_a_refusal_carries_the_gateway_s_words(recorded_gateway):
    gateway, sent = recorded_gateway.gateway, recorded_gateway.requests
    payment = paid(gateway)
    # localstripe knows no refund reasons (Stripe does): it refuses the parameter.
    with pytest.raises(GatewayRefused) as refused:
        gateway.refund(payment.id, 50_000, "refund-reason", reason="requested_by_customer")
    assert parse_qs(sent[-1].body.decode())["reason"] == ["requested_by_customer"]
    assert (refused.value.status, refused.value.message) == (400, "Unexpected reason")


def test_a_negative_amount_is_refused(gateway):
    with pytest.raises(GatewayRefused) as refused:
        gateway.create_intent(-1, "CHX-0000000E", "create-negative", VISA)
    assert refused.value.status == 400


def test_an_unknown_intent_is_refused_and_reset_forgets_every_intent(gateway, localstripe):
    payment = paid(gateway)
    localstripe.reset()
    with pytest.raises(GatewayRefused) as refused:
        gateway.retrieve(payment.id)
    assert refused.value.status == 404


# --- gateways that cannot help -------------------------------------------------------------

@pytest.mark.parametrize("which", ["unavailable_gateway", "failing_gateway", "silent_gateway"])
def test_no_answer_a_timeout_or_a_server_error_means_try_later(request, which):
    gateway = request.getfixturevalue(which)
    started = time.monotonic()
    with pytest.raises(GatewayUnavailable):
        gateway.create_intent(150_000, "CHX-0000000F", "create-unavailable", VISA)
    assert time.monotonic() - started < 3  # no retries, and the timeout holds


@pytest.mark.parametrize("status", [429, 502, 503])
def test_rate_limiting_and_other_server_errors_mean_try_later(gateway_answering, status):
    with pytest.raises(GatewayUnavailable):
        gateway_answering(status).retrieve("pi_123")


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_other_client_errors_are_refusals_with_the_gateway_s_message(gateway_answering, status):
    with pytest.raises(GatewayRefused) as refused:
        gateway_answering(status).retrieve("pi_123")
    assert (refused.value.status, refused.value.message) == (status, f"answered {status}")


@pytest.mark.parametrize("api_base, local", [
    ("http://127.0.0.1:8420", True), ("http://localhost:8420", True), ("http://[::1]:8420", True),
    ("https://api.stripe.com", False), ("http://127.0.0.1.example.com", False),
])
def test_a_config_knows_a_local_test_server(api_base, local):
    assert GatewayConfig(api_base, "sk_test_x", "pk_test_x", "whsec_x").is_local_test_server is local


# --- webhook signatures --------------------------------------------------------------------

SECRET = "whsec_test"
NOW = 1_760_000_000
EVENT = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded",
                    "data": {"object": {"id": "pi_1", "amount": 150_000}}}).encode()


def rejection(payload: bytes, header: str, secret: str = SECRET, now: int = NOW) -> str:
    with pytest.raises(InvalidSignature) as rejected:
        verify_webhook(payload, header, secret, now=now)
    return rejected.value.reason


def test_a_valid_signature_gives_the_event():
    assert verify_webhook(EVENT, sign_webhook(EVENT, SECRET, NOW), SECRET, now=NOW) == json.loads(EVENT)


@pytest.mark.parametrize("age", [-300, 0, 300])
def test_a_signature_up_to_300_seconds_off_either_way_passes(age):
    assert verify_webhook(EVENT, sign_webhook(EVENT, SECRET, NOW - age), SECRET, now=NOW)["id"] == "evt_1"


@pytest.mark.parametrize("age", [301, -301])
def test_a_stale_or_future_signature_is_rejected(age):
    assert rejection(EVENT, sign_webhook(EVENT, SECRET, NOW - age)) == "out_of_tolerance"


def test_a_missing_header_is_rejected():
    assert rejection(EVENT, "") == "missing"


@pytest.mark.parametrize("header", [
    "garbage", f"v1={'a' * 64}", f"t={NOW}", f"t={NOW},v0={'a' * 64}", f"t=soon,v1={'a' * 64}",
    f"t={NOW},t={NOW},v1={'a' * 64}", f"t=-{NOW},v1={'a' * 64}",
])
def test_a_malformed_header_is_rejected(header):
    assert rejection(EVENT, header) == "malformed"


def test_a_signature_with_another_secret_is_rejected():
    assert rejection(EVENT, sign_webhook(EVENT, "whsec_other", NOW)) == "mismatch"


def test_a_tampered_body_is_rejected():
    tampered = EVENT.replace(b"150000", b"1500")
    assert tampered != EVENT
    assert rejection(tampered, sign_webhook(EVENT, SECRET, NOW)) == "mismatch"


def test_one_valid_signature_among_several_passes():
    valid = sign_webhook(EVENT, SECRET, NOW).split(",")[1]
    header = f"t={NOW},v1={'0' * 64},{valid},v0={'1' * 64}"
    assert verify_webhook(EVENT, header, SECRET, now=NOW)["type"] == "payment_intent.succeeded"


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"[1, 2]", b'{"id": "evt_1"}',
                                  b'{"type": "charge.refunded"}', b'{"id": 1, "type": "charge.refunded"}'])
def test_a_signed_body_that_is_not_an_event_is_rejected(body):
    assert rejection(body, sign_webhook(body, SECRET, NOW)) == "not_an_event"


def test_our_signature_verifies_with_stripe_s_own_verifier():
    timestamp = int(time.time())
    assert stripe.WebhookSignature.verify_header(EVENT.decode(), sign_webhook(EVENT, SECRET, timestamp),
                                                 SECRET, tolerance=300)


def test_a_payment_webhook_signed_by_localstripe_verifies(gateway, localstripe_webhooks):
    payment = paid(gateway, order_number="CHX-0000000G")

    def is_this_payment(delivery):
        event = json.loads(delivery.body)
        return event["type"] == "payment_intent.succeeded" and event["data"]["object"]["id"] == payment.id

    delivery = localstripe_webhooks.first(is_this_payment)
    event = verify_webhook(delivery.body, delivery.headers["stripe-signature"], localstripe_webhooks.secret)
    assert event["data"]["object"]["metadata"] == {"order_number": "CHX-0000000G"}
    with pytest.raises(InvalidSignature):
        verify_webhook(delivery.body, delivery.headers["stripe-signature"], "whsec_other")
