"""The card payment gateway (a Stripe-compatible HTTP API) behind plain values: payment intents
for whole orders in đồng, refunds, and the signature of its webhooks. The only module that talks
to the gateway; no Flask, no database.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import stripe

CURRENCY = "vnd"  # zero-decimal: amounts are whole đồng
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class GatewayConfig:
    api_base: str  # "https://api.stripe.com", or a local test server such as "http://127.0.0.1:8420"
    secret_key: str
    publishable_key: str
    webhook_secret: str
    timeout: float = 10

    @property
    def is_local_test_server(self) -> bool:
        return urlsplit(self.api_base).hostname in LOCAL_HOSTS


@dataclass(frozen=True)
class Intent:
    """A payment intent as the gateway reports it; `status` is the gateway's own word
    (requires_payment_method, requires_confirmation, requires_action, processing, succeeded,
    canceled)."""

    id: str
    status: str
    amount: int
    currency: str
    client_secret: str
    metadata: dict[str, str] = field(default_factory=dict)
    last_error_code: str | None = None  # the decline code when the gateway gives one, else its error code
    last_error_message: str | None = None  # the gateway's English text, for logs


@dataclass(frozen=True)
class Refund:
    """`status` is the gateway's own word (pending, requires_action, succeeded, failed, canceled)."""

    id: str
    status: str
    amount: int
    intent_id: str = ""
    failure_reason: str = ""


class GatewayError(Exception):
    """The gateway did not do what was asked."""


class GatewayUnavailable(GatewayError):
    """No answer, a timeout, a server error or rate limiting: safe to try again later."""


class GatewayRefused(GatewayError):
    """The gateway refused the request itself (a programming or configuration problem)."""

    def __init__(self, message: str, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


class InvalidSignature(Exception):
    """A webhook delivery that cannot be trusted; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


MISSING = "missing"
MALFORMED = "malformed"
MISMATCH = "mismatch"
OUT_OF_TOLERANCE = "out_of_tolerance"
NOT_AN_EVENT = "not_an_event"


class Gateway:
    def __init__(self, config: GatewayConfig):
        self.config = config
        self._client = stripe.StripeClient(
            config.secret_key,
            base_addresses={"api": config.api_base},
            http_client=stripe.RequestsClient(timeout=config.timeout),
            max_network_retries=0,
        )

    def create_intent(self, amount: int, order_number: str, idempotency_key: str,
                      payment_method: str | None = None) -> Intent:
        """A card payment intent for `amount` đồng, tagged with the order number."""
        params: dict = {"amount": amount, "currency": CURRENCY, "payment_method_types": ["card"],
                        "metadata": {"order_number": order_number}}
        if payment_method is not None:
            params["payment_method"] = payment_method
        with _gateway_errors():
            created = self._client.v1.payment_intents.create(params, _keyed(idempotency_key))
        return _intent(created)

    def confirm(self, intent_id: str, idempotency_key: str) -> Intent:
        """Charge the intent's payment method; a declined card is an outcome, not an error: the
        intent comes back as requires_payment_method with its last error."""
        with _gateway_errors():
            try:
                confirmed = self._client.v1.payment_intents.confirm(
                    intent_id, options=_keyed(idempotency_key))
            except stripe.CardError:
                confirmed = self._client.v1.payment_intents.retrieve(intent_id)
        return _intent(confirmed)

    def retrieve(self, intent_id: str) -> Intent:
        with _gateway_errors():
            return _intent(self._client.v1.payment_intents.retrieve(intent_id))

    def refund(self, intent_id: str, amount: int, idempotency_key: str, reason: str | None = None) -> Refund:
        """Give back `amount` đồng of a succeeded intent (part or all of it)."""
        params: dict = {"payment_intent": intent_id, "amount": amount}
        if reason is not None:
            params["reason"] = reason
        with _gateway_errors():
            refunded = self._client.v1.refunds.create(params, _keyed(idempotency_key))
        return _refund(refunded.to_dict(), intent_id)

    def refunds_of(self, intent_id: str) -> list[Refund]:
        """Every refund of the intent, as the gateway reports it now."""
        with _gateway_errors():
            listed = self._client.v1.refunds.list({"payment_intent": intent_id, "limit": 100})
            return [_refund(refund.to_dict(), intent_id) for refund in listed.auto_paging_iter()]


def _refund(data: dict, intent_id: str) -> Refund:
    return Refund(id=data["id"], status=data["status"], amount=data["amount"], intent_id=intent_id,
                  failure_reason=data.get("failure_reason") or "")


def _keyed(idempotency_key: str) -> stripe.RequestOptions:
    return {"idempotency_key": idempotency_key}


def _intent(received: stripe.PaymentIntent) -> Intent:
    data = received.to_dict()
    error = data.get("last_payment_error") or {}
    return Intent(
        id=data["id"], status=data["status"], amount=data["amount"], currency=data["currency"],
        client_secret=data.get("client_secret") or "", metadata=dict(data.get("metadata") or {}),
        last_error_code=error.get("decline_code") or error.get("code"),
        last_error_message=error.get("message"),
    )


@contextmanager
def _gateway_errors() -> Iterator[None]:
    try:
        yield
    except stripe.StripeError as error:
        raise _translated(error) from error


def _translated(error: stripe.StripeError) -> GatewayError:
    status = error.http_status
    if isinstance(error, stripe.APIConnectionError) or status == 429 or (status or 0) >= 500:
        return GatewayUnavailable(error.user_message or type(error).__name__)
    return GatewayRefused(error.user_message or type(error).__name__, error.code, status)


def sign_webhook(payload: bytes, secret: str, timestamp: int) -> str:
    """A `Stripe-Signature` header value for the payload, as the gateway would send it."""
    return f"t={timestamp},v1={_signature(payload, secret, timestamp)}"


def verify_webhook(payload: bytes, signature_header: str, secret: str, tolerance: int = 300,
                   now: int | None = None) -> dict:
    """The event of a webhook delivery whose `Stripe-Signature` header signs the raw body with
    `secret` within `tolerance` seconds of now (either way); else InvalidSignature."""
    timestamp, signatures = _parsed_header(signature_header)
    expected = _signature(payload, secret, timestamp)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise InvalidSignature(MISMATCH)
    if abs((int(time.time()) if now is None else now) - timestamp) > tolerance:
        raise InvalidSignature(OUT_OF_TOLERANCE)
    return _event(payload)


def _signature(payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _parsed_header(header: str | None) -> tuple[int, list[str]]:
    """The timestamp and the v1 signatures of a `t=<unix>,v1=<hex>[,v1=<hex>...]` header."""
    if not header:
        raise InvalidSignature(MISSING)
    pairs = [item.strip().partition("=") for item in header.split(",")]
    timestamps = [value for key, _, value in pairs if key == "t"]
    signatures = [value for key, _, value in pairs if key == "v1" and value]
    if len(timestamps) != 1 or not (timestamps[0].isascii() and timestamps[0].isdecimal()) or not signatures:
        raise InvalidSignature(MALFORMED)
    return int(timestamps[0]), signatures


def _event(payload: bytes) -> dict:
    try:
        event = json.loads(payload)
    except ValueError:
        raise InvalidSignature(NOT_AN_EVENT) from None
    if not (isinstance(event, dict) and isinstance(event.get("id"), str) and isinstance(event.get("type"), str)):
        raise InvalidSignature(NOT_AN_EVENT)
    return event
