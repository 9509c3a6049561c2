"""A buyer whose card payment failed pays another way instead: bank transfer (still waiting, with
its VietQR code) or cash on delivery (placed at once); never while a card payment may still succeed."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.orders.models import Order, PaymentMethod
from marketplace.orders.order_links import order_key
from marketplace.orders.states import VendorOrderState
from marketplace.payments import methods, records
from marketplace.payments.models import Payment, PaymentKind, PaymentStatus

from ..factories import make_cooperative, make_product
from .conftest import place_card_order


@pytest.fixture
def card_order(app):
    return place_card_order(make_product(make_cooperative(), price=90_000, stock=5),
                            make_product(make_cooperative(), price=40_000, stock=5))


def reloaded(order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def test_cash_on_delivery_instead_places_the_parts(card_order):
    events = methods.change_method(card_order.id, PaymentMethod.COD)
    order = reloaded(card_order)
    assert order.payment_method == PaymentMethod.COD
    assert [part.state for part in order.vendor_orders] == [VendorOrderState.PLACED] * 2
    assert [event.to_state for event in events] == [VendorOrderState.PLACED] * 2
    assert all(part.reserved_until is None for part in order.vendor_orders)


def test_bank_transfer_instead_keeps_the_parts_waiting_and_shows_the_codes(client, card_order):
    methods.change_method(card_order.id, PaymentMethod.BANK_TRANSFER)
    order = reloaded(card_order)
    assert order.payment_method == PaymentMethod.BANK_TRANSFER
    assert {part.state for part in order.vendor_orders} == {VendorOrderState.PENDING_PAYMENT}
    page = client.get(f"/orders/{order.number}?key={order_key(order.number)}").get_data(as_text=True)
    assert page.count("<svg") == 2


def test_no_change_while_a_card_payment_may_still_succeed(card_order):
    part = card_order.vendor_orders[0]
    records.record(PaymentKind.PAYMENT, PaymentMethod.CARD, card_order.id, {part.id: part.total},
                   status=PaymentStatus.PENDING, reference="pi_still_processing")
    db.session.commit()
    with pytest.raises(records.PaymentRefused) as refused:
        methods.change_method(card_order.id, PaymentMethod.COD)
    assert refused.value.reason == methods.CARD_IN_FLIGHT
    assert reloaded(card_order).payment_method == PaymentMethod.CARD


def test_a_failed_or_unanswered_card_attempt_does_not_stop_the_change(card_order):
    part = card_order.vendor_orders[0]
    failed = records.record(PaymentKind.PAYMENT, PaymentMethod.CARD, card_order.id, {part.id: part.total},
                            status=PaymentStatus.PENDING, reference="pi_declined")
    records.settle(failed, PaymentStatus.FAILED, note="card_declined")
    records.record(PaymentKind.PAYMENT, PaymentMethod.CARD, card_order.id, {part.id: part.total},
                   status=PaymentStatus.PENDING)  # the gateway never answered: nothing confirmed it
    db.session.commit()
    methods.change_method(card_order.id, PaymentMethod.COD)
    assert reloaded(card_order).payment_method == PaymentMethod.COD


def test_only_unpaid_card_orders_change_and_transfers_need_bank_accounts(card_order):
    with pytest.raises(records.PaymentRefused):
        methods.change_method(card_order.id, PaymentMethod.CARD)
    card_order.vendor_orders[1].cooperative.bank_account_number = ""
    db.session.commit()
    with pytest.raises(records.PaymentRefused) as refused:
        methods.change_method(card_order.id, PaymentMethod.BANK_TRANSFER)
    assert refused.value.reason == methods.NO_TRANSFERS
    methods.change_method(card_order.id, PaymentMethod.COD)
    with pytest.raises(records.PaymentRefused) as refused:
        methods.change_method(card_order.id, PaymentMethod.BANK_TRANSFER)
    assert refused.value.reason == methods.NOT_CHANGEABLE


def test_the_order_page_offers_the_change_and_only_with_the_key(client, card_order):
    url = f"/orders/{card_order.number}/payment-method"
    assert client.post(url, data={"method": "cod"}).status_code == 404  # no key: not this visitor's order
    page = client.get(f"/orders/{card_order.number}?key={order_key(card_order.number)}").get_data(as_text=True)
    assert 'name="method"' in page
    answer = client.post(f"{url}?key={order_key(card_order.number)}", data={"method": "cod"})
    assert answer.status_code == 303
    assert reloaded(card_order).payment_method == PaymentMethod.COD
    assert db.session.scalars(select(Payment)).all() == []
