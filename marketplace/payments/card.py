"""Paying a whole order by card through the gateway, to the platform.

An attempt is a pending payment record, committed before the gateway is asked anything, with an
idempotency key of its own; its PaymentIntent id becomes the record's reference. Whichever
learns the intent's outcome first (the buyer's request, the webhook, `sync-payments`) settles
the record through apply_intent; the others then find it settled and change nothing. Refunds of
a paid intent are applied the same way, from the gateway's list of them (refunds.py).
"""
from __future__ import annotations

import enum
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import utcnow
from ..extensions import db
from ..orders.models import Order, PaymentMethod, VendorOrder, VendorOrderEvent
from ..orders.notifications import notify_state_changed
from ..orders.states import VendorOrderState
from ..transaction import write_transaction
from . import records, refunds
from .gateway import Gateway, GatewayConfig, GatewayError, GatewayRefused, GatewayUnavailable, Intent, Refund
from .models import GatewayEvent, Payment, PaymentKind, PaymentStatus

log = logging.getLogger(__name__)

# The payment methods of the local test server that its test form offers.
TEST_CARDS = {"succeeding": "pm_card_visa", "declined": "pm_card_chargeCustomerFail"}
# An attempt still without an intent after this long never got one: nothing can have been charged.
UNANSWERED_AFTER = timedelta(minutes=5)
INTENT_EVENTS = frozenset({"payment_intent.succeeded", "payment_intent.payment_failed"})
# Events about a refund (or a charge with refunds) of an intent.
REFUND_EVENTS = frozenset({"charge.refunded", "charge.refund.updated", "refund.created", "refund.updated",
                           "refund.failed"})

# Why a card payment cannot be started (PaymentRefused, with records.WRONG_METHOD).
NOTHING_DUE = "nothing_due"  # no part of it is waiting for money
# What a settled record's note says (for people who read the records).
NO_ANSWER = "no_answer: the gateway never answered the attempt; nothing was charged"
REFUND_NEEDED = "refund_needed"


class Outcome(enum.StrEnum):
    PAID = "paid"
    DECLINED = "declined"  # the buyer may try again, with another card or another method
    NOT_ANSWERING = "not_answering"  # the gateway was not reached: nothing was charged
    BEING_CHECKED = "being_checked"  # the gateway has it; its answer comes by webhook or sync
    NEEDS_CARD = "needs_card"  # the gateway's own form takes the card (not on the local test server)


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    payment_id: int | None = None
    client_secret: str = ""  # for the gateway's card form
    decline_code: str = ""


@dataclass(frozen=True)
class Applied:
    """An intent applied to the attempt that made it: its status after, and parts it released."""

    payment_id: int | None  # None: no attempt made this intent
    status: PaymentStatus | None = None
    events: tuple[VendorOrderEvent, ...] = ()
    replayed: bool = False  # the webhook event was received before: nothing changed


def gateway() -> Gateway:
    config = current_app.config
    return Gateway(GatewayConfig(
        api_base=config["STRIPE_API_BASE"], secret_key=config["STRIPE_SECRET_KEY"] or "",
        publishable_key=config["STRIPE_PUBLISHABLE_KEY"] or "", webhook_secret=config["STRIPE_WEBHOOK_SECRET"] or "",
        timeout=config["STRIPE_TIMEOUT_SECONDS"]))


def new_attempt_token() -> str:
    """For the pay form: submitting it twice is one attempt."""
    return secrets.token_hex(8)


def missing_parts(order: Order) -> dict[int, int]:
    """What each part still waiting for its payment misses, by vendor order id."""
    waiting = [vo.id for vo in order.vendor_orders if vo.state == VendorOrderState.PENDING_PAYMENT]
    return {vo_id: balance.missing for vo_id, balance in records.balances(waiting).items() if balance.missing}


def payable_parts(order: Order) -> dict[int, int]:
    """What a card payment of the order pays now (missing_parts); PaymentRefused when the order is
    not paid by card or owes nothing now."""
    if order.payment_method != PaymentMethod.CARD:
        raise records.PaymentRefused(records.WRONG_METHOD)
    parts = missing_parts(order)
    if not parts:
        raise records.PaymentRefused(NOTHING_DUE)
    return parts


# --- the buyer's attempt ------------------------------------------------------------------

def pay(order_id: int, attempt_token: str, test_card: str | None = None) -> Attempt:
    """Pay what the order misses; `test_card` (a TEST_CARDS name) on the local test server only.
    The same token again is the same attempt: it is never charged twice."""
    number = db.session.scalar(select(Order.number).where(Order.id == order_id))
    key = f"{number}-{attempt_token}"
    earlier = db.session.scalar(select(Payment).where(Payment.idempotency_key == key))
    if earlier is not None:
        return _outcome_of(earlier)
    waiting = _refresh_open_attempts(order_id)
    if waiting is not None:
        return waiting
    payment_id, amount = _open_attempt(order_id, key)
    return _charge(payment_id, amount, number, key, test_card)


@write_transaction
def _open_attempt(order_id: int, key: str) -> tuple[int, int]:
    order = db.session.get(Order, order_id)
    payment = records.record(PaymentKind.PAYMENT, PaymentMethod.CARD, order_id, payable_parts(order),
                             status=PaymentStatus.PENDING, idempotency_key=key)
    return payment.id, payment.amount


def _charge(payment_id: int, amount: int, number: str, key: str, test_card: str | None) -> Attempt:
    client = gateway()
    local = client.config.is_local_test_server
    try:
        intent = client.create_intent(amount, number, key, TEST_CARDS[test_card] if local else None)
    except GatewayUnavailable:
        return Attempt(Outcome.NOT_ANSWERING, payment_id)
    except GatewayRefused as refused:
        log.error("card gateway refused to create an intent for payment %s: %s", payment_id, refused.message)
        _give_up(payment_id, f"gateway_refused: {refused.code or refused.status}")
        return Attempt(Outcome.NOT_ANSWERING, payment_id)
    if not _attach_intent(payment_id, intent.id):  # sync-payments gave up on it meanwhile
        return Attempt(Outcome.NOT_ANSWERING, payment_id)
    if not local:
        return Attempt(Outcome.NEEDS_CARD, payment_id, intent.client_secret)
    try:
        intent = client.confirm(intent.id, f"{key}-confirm")
    except GatewayError as error:
        log.warning("card gateway did not confirm payment %s: %s", payment_id, error)
        return Attempt(Outcome.BEING_CHECKED, payment_id)
    return _attempt_of(apply_intent(intent), intent)


@write_transaction
def _attach_intent(payment_id: int, intent_id: str) -> bool:
    payment = records.locked_payment(payment_id)
    if payment.status != PaymentStatus.PENDING or payment.reference:
        return False
    payment.reference = intent_id
    return True


def returned(order_id: int, intent_id: str) -> Attempt:
    """The buyer is back from the gateway's card form: what became of the order's attempt with
    that intent (LookupError for an intent of no attempt of this order)."""
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order_id, Payment.reference == intent_id,
                                                      Payment.reference != "", *records.CARD_PAYMENTS))
    if payment is None:
        raise LookupError(intent_id)
    return _outcome_of(payment)


def _outcome_of(payment: Payment) -> Attempt:
    """What became of an attempt made before (the same form submitted again)."""
    if payment.status == PaymentStatus.SUCCEEDED:
        return Attempt(Outcome.PAID, payment.id)
    if payment.status == PaymentStatus.FAILED:
        return Attempt(Outcome.DECLINED, payment.id, decline_code=payment.note)
    if not payment.reference:  # its first request is still on its way to the gateway
        return Attempt(Outcome.BEING_CHECKED, payment.id)
    try:
        intent = gateway().retrieve(payment.reference)
    except GatewayError:
        return Attempt(Outcome.BEING_CHECKED, payment.id)
    return _attempt_of(apply_intent(intent), intent)


def _attempt_of(applied: Applied, intent: Intent) -> Attempt:
    if applied.status == PaymentStatus.SUCCEEDED:
        return Attempt(Outcome.PAID, applied.payment_id)
    if applied.status == PaymentStatus.FAILED:
        return Attempt(Outcome.DECLINED, applied.payment_id, decline_code=intent.last_error_code or "")
    if intent.status == "requires_payment_method":
        return Attempt(Outcome.NEEDS_CARD, applied.payment_id, intent.client_secret)
    return Attempt(Outcome.BEING_CHECKED, applied.payment_id)


def _refresh_open_attempts(order_id: int) -> Attempt | None:
    """Before a new attempt, ask the gateway about the order's earlier ones that reached it: one
    may have been charged after all. An attempt (being checked) when one still may be."""
    open_references = db.session.scalars(select(Payment.reference).where(*_open_card_attempts(),
                                                                           Payment.order_id == order_id,
                                                                           Payment.reference != "")).all()
    client = gateway()
    for reference in open_references:
        try:
            intent = client.retrieve(reference)
        except GatewayError:
            return Attempt(Outcome.BEING_CHECKED)
        if apply_intent(intent).status == PaymentStatus.PENDING and intent.status == "processing":
            return Attempt(Outcome.BEING_CHECKED)
    return None


def _open_card_attempts():
    return *records.CARD_PAYMENTS, Payment.status == PaymentStatus.PENDING


def attempt_in_flight(order_id: int) -> bool:
    """An attempt the gateway knows of (it has its intent id) that has not failed: it may still
    be charged. One the gateway never answered cannot have been: nothing confirmed it."""
    return db.session.scalar(select(Payment.id).where(
        *records.CARD_PAYMENTS, Payment.order_id == order_id, Payment.status != PaymentStatus.FAILED,
        Payment.reference != "").limit(1)) is not None


# --- applying what the gateway says --------------------------------------------------------

def apply_intent(intent: Intent, event: dict | None = None) -> Applied:
    """Settle the attempt that made `intent` as the gateway reports it (once; a settled one is left
    alone), then email the buyer about the parts it released. A webhook's event is kept by its id
    in the same transaction: a second delivery changes nothing. Call outside any transaction."""
    applied = _settle(intent, event)
    notify_state_changed(*applied.events)
    return applied


@write_transaction
def _settle(intent: Intent, event: dict | None) -> Applied:
    payment_id = _attempt_id(intent.id)
    if event is not None and not _kept(event, payment_id):
        return Applied(payment_id, replayed=True)
    if payment_id is None:
        return Applied(None)
    payment = records.locked_payment(payment_id)
    parts = [allocation.vendor_order_id for allocation in payment.allocations]
    if intent.status == "succeeded":
        if records.settle(payment, PaymentStatus.SUCCEEDED, note=_surplus_note(payment, intent, parts)):
            return Applied(payment_id, payment.status, tuple(records.release_paid_parts(parts)))
    elif intent.status == "canceled" or (intent.status == "requires_payment_method" and intent.last_error_code):
        records.settle(payment, PaymentStatus.FAILED, note=intent.last_error_code or intent.status)
    return Applied(payment_id, payment.status)


def _attempt_id(intent_id: str) -> int | None:
    payment = records.card_payment_of(intent_id)
    return payment.id if payment is not None else None


def _surplus_note(payment: Payment, intent: Intent, parts: list[int]) -> str:
    """Money arrived that nothing waits for (another attempt paid first, the reservation ran out, an
    amount that differs): it is recorded all the same, flagged for a refund."""
    not_waiting = db.session.scalars(select(VendorOrder.code).where(
        VendorOrder.id.in_(parts), VendorOrder.state != VendorOrderState.PENDING_PAYMENT)
        .order_by(VendorOrder.id)).all()
    problems = ([f"parts no longer waiting for payment: {', '.join(not_waiting)}"] if not_waiting else []) + \
        ([f"the gateway charged {intent.amount}"] if intent.amount != payment.amount else [])
    return f"{REFUND_NEEDED}: {'; '.join(problems)}" if problems else ""


def _kept(event: dict, payment_id: int | None) -> bool:
    """Keep a webhook event by its id; False when it was kept before."""
    try:
        with db.session.begin_nested():
            db.session.add(GatewayEvent(event_id=event["id"], type=event["type"][:100], payment_id=payment_id))
    except IntegrityError:
        return False
    return True


# --- webhook -------------------------------------------------------------------------------

class Received(enum.StrEnum):
    APPLIED = "applied"
    REPLAYED = "replayed"  # the same event id came before: nothing changed
    KEPT = "kept"  # an event of another type, or about an intent no attempt made: kept, not applied


def receive_event(event: dict) -> Received:
    """A verified webhook event. The intent it is about (or whose refunds it is about) is read again
    from the gateway (the current state, whatever order events arrive in): GatewayUnavailable
    then, and nothing is kept, so the gateway's retry finds it new."""
    intent_id = _intent_id(event)
    payment_id = _attempt_id(intent_id) if intent_id is not None else None
    if payment_id is None:
        if intent_id is not None:
            log.warning("webhook %s is about intent %s, which no card attempt made", event["id"], intent_id)
        return Received.KEPT if _keep_alone(event) else Received.REPLAYED
    if _event_known(event["id"]):
        return Received.REPLAYED
    if event["type"] in REFUND_EVENTS:
        applied = _apply_refunds(gateway().refunds_of(intent_id), event, payment_id)
        return Received.APPLIED if applied else Received.REPLAYED
    applied = apply_intent(gateway().retrieve(intent_id), event)
    return Received.REPLAYED if applied.replayed else Received.APPLIED


def _intent_id(event: dict) -> str | None:
    """The intent an intent event is about, or the one whose refund or charge a refund event is about."""
    field = "id" if event["type"] in INTENT_EVENTS else "payment_intent" if event["type"] in REFUND_EVENTS else None
    data = event.get("data")
    about = data.get("object") if isinstance(data, dict) else None
    intent_id = about.get(field) if field is not None and isinstance(about, dict) else None
    return intent_id if isinstance(intent_id, str) else None


@write_transaction
def _apply_refunds(found: list[Refund], event: dict, payment_id: int) -> bool:
    """Keep the event, with every refund of its intent as the gateway reports them; False when it
    was kept before."""
    if not _kept(event, payment_id):
        return False
    for refund in found:
        refunds.apply_gateway_refund(refund)
    return True


def _event_known(event_id: str) -> bool:
    return db.session.scalar(select(GatewayEvent.id).where(GatewayEvent.event_id == event_id)) is not None


@write_transaction
def _keep_alone(event: dict) -> bool:
    return _kept(event, None)


# --- sync-payments -------------------------------------------------------------------------

@dataclass(frozen=True)
class SyncReport:
    settled: int = 0  # the gateway's answer applied: succeeded or failed
    given_up: int = 0  # never reached the gateway: failed, nothing was charged
    still_pending: int = 0
    unreachable: int = 0  # the gateway did not answer about them
    card_refunds: refunds.RefundSync = refunds.RefundSync()  # pending ones, read again or sent again


def sync_pending(now: datetime | None = None) -> SyncReport:
    """Re-read every pending card attempt from the gateway (for a webhook that was lost); attempts
    that never got an intent are failed once older than UNANSWERED_AFTER. Then the same for
    pending card refunds (refunds.sync_pending_refunds)."""
    now = now or utcnow()
    client = gateway()
    open_attempts = db.session.execute(select(Payment.id, Payment.reference, Payment.created_at)
                                       .where(*_open_card_attempts()).order_by(Payment.id)).all()
    counts = dict(settled=0, given_up=0, still_pending=0, unreachable=0)
    for payment_id, reference, created_at in open_attempts:
        counts[_synced(client, payment_id, reference, created_at, now)] += 1
    return SyncReport(**counts, card_refunds=refunds.sync_pending_refunds(client))


def _synced(client: Gateway, payment_id: int, reference: str, created_at: datetime, now: datetime) -> str:
    if not reference:
        given_up = created_at < now - UNANSWERED_AFTER and _give_up(payment_id, NO_ANSWER)
        return "given_up" if given_up else "still_pending"
    try:
        intent = client.retrieve(reference)
    except GatewayUnavailable:
        return "unreachable"
    except GatewayRefused as refused:
        log.warning("the gateway refused to report intent %s of payment %s: %s", reference, payment_id,
                    refused.message)
        return "still_pending"
    return "still_pending" if apply_intent(intent).status == PaymentStatus.PENDING else "settled"


@write_transaction
def _give_up(payment_id: int, note: str) -> bool:
    """Fail an attempt that has no intent (so no charge); False when it has one or is settled."""
    payment = records.locked_payment(payment_id)
    return not payment.reference and records.settle(payment, PaymentStatus.FAILED, note=note)
