"""`flask --app wsgi sync-payments`: pending card attempts whose webhook was lost are settled from
the gateway's answer; attempts that never reached it are failed after a few minutes; a gateway
that does not answer leaves them pending and the command says so. Pending card refunds are read
again from the gateway or sent again, and never refunded twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.database import utcnow
from marketplace.extensions import db, mailer
from marketplace.orders.models import VendorOrder
from marketplace.orders.states import VendorOrderState
from marketplace.payments import card, records, refunds
from marketplace.payments.gateway import Gateway
from marketplace.payments.models import Payment, PaymentStatus

from ..factories import make_cooperative, make_product
from .conftest import (attempt_with_lost_answer, card_settings, free_port, local_config, paid_by_card,
                       place_card_order, refunds_at)


@pytest.fixture
def product(card_app):
    return make_product(make_cooperative(name="HTX Na Chi Lăng"), price=85_000)


def sync(card_app):
    return card_app.test_cli_runner().invoke(args=["sync-payments"])


def status_of(payment: Payment) -> PaymentStatus:
    db.session.expire_all()
    return db.session.get(Payment, payment.id).status


def part_state(payment: Payment) -> VendorOrderState:
    return db.session.scalar(select(VendorOrder.state).where(VendorOrder.order_id == payment.order_id))


def test_a_payment_whose_webhook_was_lost_is_settled_from_the_gateway_once(card_app, product, cutting_proxy):
    paid = attempt_with_lost_answer(card_app, cutting_proxy, place_card_order(product))
    declined = attempt_with_lost_answer(card_app, cutting_proxy, place_card_order(product), "declined")

    result = sync(card_app)

    assert result.exit_code == 0 and "2 settled" in result.output
    assert (status_of(paid), part_state(paid)) == (PaymentStatus.SUCCEEDED, VendorOrderState.PLACED)
    assert (status_of(declined), part_state(declined)) == (PaymentStatus.FAILED, VendorOrderState.PENDING_PAYMENT)
    assert db.session.get(Payment, declined.id).note == "card_declined"
    assert [m["To"] for m in mailer.outbox] == ["mai@example.com"]

    again = sync(card_app)
    assert "Card payments: 0 settled" in again.output and len(mailer.outbox) == 1


def test_attempts_that_never_reached_the_gateway_are_failed_after_a_few_minutes(card_app, product):
    card_app.config.update(card_settings(f"http://127.0.0.1:{free_port()}"))
    old, recent = place_card_order(product), place_card_order(product)
    attempts = [card.pay(order.id, card.new_attempt_token(), "succeeding") for order in (old, recent)]
    assert [a.outcome for a in attempts] == [card.Outcome.NOT_ANSWERING] * 2
    stale = db.session.get(Payment, attempts[0].payment_id)
    stale.created_at = utcnow() - card.UNANSWERED_AFTER - timedelta(seconds=1)
    db.session.commit()

    report = card.sync_pending()

    assert (report.given_up, report.still_pending) == (1, 1)
    assert status_of(stale) == PaymentStatus.FAILED and db.session.get(Payment, stale.id).note == card.NO_ANSWER
    assert status_of(db.session.get(Payment, attempts[1].payment_id)) == PaymentStatus.PENDING


def test_a_gateway_that_does_not_answer_leaves_payments_pending_and_the_command_fails(
        card_app, product, cutting_proxy):
    payment = attempt_with_lost_answer(card_app, cutting_proxy, place_card_order(product))
    card_app.config.update(card_settings(f"http://127.0.0.1:{free_port()}"))

    result = sync(card_app)

    assert result.exit_code == 1 and "1 not answered about" in result.output
    assert "run this again later" in result.output
    assert status_of(payment) == PaymentStatus.PENDING and part_state(payment) == VendorOrderState.PENDING_PAYMENT


def test_money_arriving_for_an_order_already_paid_is_recorded_and_flagged_for_a_refund(
        card_app, product, cutting_proxy):
    order = place_card_order(product)
    late = attempt_with_lost_answer(card_app, cutting_proxy, order)  # charged, but its answer was lost
    intent_id, late.reference = late.reference, ""  # so that a second attempt is not held back by it ...
    db.session.commit()
    assert card.pay(order.id, card.new_attempt_token(), "succeeding").outcome == card.Outcome.PAID
    late.reference = intent_id  # ... then the gateway tells about it
    db.session.commit()

    assert "1 settled" in sync(card_app).output

    db.session.expire_all()
    flagged = db.session.get(Payment, late.id)
    assert flagged.status == PaymentStatus.SUCCEEDED
    assert flagged.note.startswith(card.REFUND_NEEDED) and f"{order.number}-1" in flagged.note


# --- card refunds ----------------------------------------------------------------------------

@pytest.fixture
def paid(product):
    return paid_by_card(place_card_order(product))


def refund_of(paid: Payment, amount: int) -> Payment:
    part = paid.allocations[0].vendor_order
    return refunds.record_refund(part.cooperative_id, part.id, None, amount, "Hàng dập")


def test_a_refund_the_gateway_was_down_for_is_sent_by_sync_once(card_app, paid, localstripe, unavailable_gateway):
    refund = refunds.send_card_refund(refund_of(paid, 85_000).id, unavailable_gateway)
    assert (refund.status, refund.reference) == (PaymentStatus.PENDING, "")
    working = card_app.config["STRIPE_API_BASE"]
    card_app.config.update(card_settings(unavailable_gateway.config.api_base))

    down = sync(card_app)

    assert down.exit_code == 1 and "Card refunds: 0 settled, 0 still pending, 1 not answered about" in down.output
    card_app.config.update(card_settings(working))

    result = sync(card_app)

    assert result.exit_code == 0 and "Card refunds: 1 settled" in result.output
    db.session.expire_all()
    sent = db.session.get(Payment, refund.id)
    assert sent.status == PaymentStatus.SUCCEEDED and sent.reference.startswith("re_")
    assert [(r["id"], r["amount"]) for r in refunds_at(localstripe, paid.reference)] == [(sent.reference, 85_000)]
    assert "Card refunds: 0 settled" in sync(card_app).output
    assert len(refunds_at(localstripe, paid.reference)) == 1


def test_a_refund_whose_answer_was_lost_is_found_at_the_gateway_and_not_sent_again(
        card_app, paid, localstripe, cutting_proxy):
    cutting_proxy.drop(lambda method, path: method == "POST" and path == "/v1/refunds", after_forwarding=True)
    refund = refunds.send_card_refund(refund_of(paid, 20_000).id, Gateway(local_config(cutting_proxy.url)))
    assert (refund.status, refund.reference) == (PaymentStatus.PENDING, "")
    [made] = refunds_at(localstripe, paid.reference)  # the gateway did refund

    assert "Card refunds: 1 settled" in sync(card_app).output

    assert status_of(refund) == PaymentStatus.SUCCEEDED and db.session.get(Payment, refund.id).reference == made["id"]
    assert len(refunds_at(localstripe, paid.reference)) == 1  # localstripe ignores idempotency keys: not resent


def test_a_refund_pending_at_the_gateway_is_settled_by_a_later_sync(card_app, paid, refund_reporter):
    card_app.config["STRIPE_API_BASE"] = refund_reporter.url
    refund_reporter.every = {"status": "pending"}
    refund = refunds.send_card_refund(refund_of(paid, 85_000).id, card.gateway())

    assert "Card refunds: 0 settled, 1 still pending" in sync(card_app).output
    assert status_of(refund) == PaymentStatus.PENDING

    refund_reporter.every = {}
    assert "Card refunds: 1 settled" in sync(card_app).output
    assert status_of(refund) == PaymentStatus.SUCCEEDED
    part_id = refund.allocations[0].vendor_order_id
    assert records.balances([part_id])[part_id].refunded == 85_000
