"""Refunds per vendor order: cash and transfer refunds recorded and settled with the bank
reference, card refunds through the gateway (localstripe) with one idempotency key, never more
than was paid, and returned goods back in stock."""
import pytest
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.orders import fulfilment
from marketplace.orders.models import Order, PaymentMethod
from marketplace.orders.placement import place_order
from marketplace.orders.states import Actor, VendorOrderState
from marketplace.payments import records, refunds, transfers
from marketplace.payments.models import Payment, PaymentKind, PaymentStatus

from ..factories import make_cooperative, make_order, make_product
from ..orders.test_placement import checkout as checkout_of
from .conftest import refunds_at


@pytest.fixture
def transfer_order(app):
    product = make_product(make_cooperative(), price=100_000, stock=10)
    placed = place_order(checkout_of(method=PaymentMethod.BANK_TRANSFER), {product.id: (2, 100_000)})
    order = db.session.get(Order, placed.id)
    part = order.vendor_orders[0]
    transfers.record_received(part.cooperative_id, part.id, None, part.total, "FT-IN-1")
    return part


def test_a_transfer_refund_is_pending_until_paid_back_and_never_more_than_paid(transfer_order):
    part = transfer_order
    refund = refunds.record_refund(part.cooperative_id, part.id, None, 50_000, "Một quả bị dập")
    assert (refund.kind, refund.method, refund.status, refund.amount) == \
        (PaymentKind.REFUND, PaymentMethod.BANK_TRANSFER, PaymentStatus.PENDING, 50_000)
    assert refunds.refundable(part.id) == part.total - 50_000
    with pytest.raises(records.PaymentRefused) as refused:
        refunds.record_refund(part.cooperative_id, part.id, None, part.total, "again")
    assert (refused.value.reason, refused.value.amount) == (refunds.MORE_THAN_PAID, part.total - 50_000)

    refunds.record_paid_back(part.cooperative_id, refund.id, "FT-OUT-9")
    assert records.balances([part.id])[part.id].refunded == 50_000
    with pytest.raises(records.PaymentRefused):
        refunds.record_paid_back(part.cooperative_id, refund.id, "FT-OUT-10")


def test_a_refund_needs_a_reason_and_belongs_to_the_cooperative(transfer_order):
    part = transfer_order
    with pytest.raises(records.PaymentRefused) as refused:
        refunds.record_refund(part.cooperative_id, part.id, None, 10_000, "  ")
    assert refused.value.reason == refunds.REASON_NEEDED
    with pytest.raises(LookupError):
        refunds.record_refund(make_cooperative().id, part.id, None, 10_000, "not yours")
    assert db.session.scalars(select(Payment).where(Payment.kind == PaymentKind.REFUND)).all() == []


def test_returned_goods_go_back_to_stock_with_the_refund(transfer_order):
    part = transfer_order
    product_id = part.lines[0].product_id
    refunds.record_refund(part.cooperative_id, part.id, None, 100_000, "Trả lại 1 hộp", reference="FT-OUT-1",
                          returned={product_id: 1})
    assert db.session.get(Product, product_id).stock_quantity == 10 - 2 + 1
    returned = db.session.scalars(select(StockMovement).where(StockMovement.reason == MovementReason.RETURN)).all()
    assert [(m.product_id, m.quantity, m.reference) for m in returned] == [(product_id, 1, part.code)]
    with pytest.raises(records.PaymentRefused) as refused:
        refunds.record_refund(part.cooperative_id, part.id, None, 1_000, "too many back", returned={product_id: 3})
    assert refused.value.reason == refunds.NOT_SOLD_IN_IT


def test_a_cash_refund_after_delivery(app):
    from marketplace.payments import cash
    from marketplace.payments.models import Collector

    order = make_order(make_product(make_cooperative(), price=60_000, stock=5))
    part = order.vendor_orders[0]
    for state in (VendorOrderState.CONFIRMED, VendorOrderState.PACKED, VendorOrderState.SHIPPED):
        fulfilment.change_state(part.id, state, Actor.COOPERATIVE, carrier="GHN", tracking_number="GHN1")
    cash.deliver_with_cash(part.cooperative_id, part.id, None, part.total, Collector.COOPERATIVE)
    refund = refunds.record_refund(part.cooperative_id, part.id, None, 20_000, "Thiếu hàng", reference="TM-01")
    assert (refund.method, refund.status) == (PaymentMethod.COD, PaymentStatus.SUCCEEDED)
    assert records.balances([part.id])[part.id] == records.Balance(part.total, part.total, 20_000)


@pytest.fixture
def card_order(app, gateway):
    product = make_product(make_cooperative(), price=150_000, stock=5)
    placed = place_order(checkout_of(method=PaymentMethod.CARD), {product.id: (1, 150_000)})
    order = db.session.get(Order, placed.id)
    part = order.vendor_orders[0]
    intent = gateway.create_intent(part.total, order.number, f"pay-{order.number}", payment_method="pm_card_visa")
    assert gateway.confirm(intent.id, f"confirm-{order.number}").status == "succeeded"
    records.record(PaymentKind.PAYMENT, PaymentMethod.CARD, order.id, {part.id: part.total},
                   status=PaymentStatus.SUCCEEDED, reference=intent.id)
    db.session.commit()
    return part


def test_a_card_refund_goes_through_the_gateway_once(card_order, gateway, localstripe):
    part = card_order
    refund = refunds.record_refund(part.cooperative_id, part.id, None, 50_000, "Hàng hỏng")
    assert refund.status == PaymentStatus.PENDING and refund.idempotency_key
    sent = refunds.send_card_refund(refund.id, gateway)
    assert (sent.status, sent.amount) == (PaymentStatus.SUCCEEDED, 50_000) and sent.reference.startswith("re_")
    refunds.send_card_refund(refund.id, gateway)  # settled: not sent again
    intent_id = db.session.scalar(select(Payment.reference).where(Payment.order_id == part.order_id,
                                                                  Payment.kind == PaymentKind.PAYMENT))
    assert [r["id"] for r in refunds_at(localstripe, intent_id)] == [sent.reference]


def test_a_card_refund_waits_while_the_gateway_is_down(card_order, unavailable_gateway, gateway):
    part = card_order
    refund = refunds.record_refund(part.cooperative_id, part.id, None, 150_000, "Khách hủy")
    assert refunds.send_card_refund(refund.id, unavailable_gateway).status == PaymentStatus.PENDING
    assert refunds.send_card_refund(refund.id, gateway).status == PaymentStatus.SUCCEEDED
    assert records.balances([part.id])[part.id].refunded == 150_000


@pytest.mark.parametrize("amount, weights, shares", [
    (100, {1: 1, 2: 1, 3: 1}, {1: 33, 2: 33, 3: 34}),
    (50_001, {7: 85_000, 3: 40_000}, {7: 34_000, 3: 16_001}),
    (10, {1: 0, 2: 5, 3: 0}, {2: 10}),
    (1, {1: 3, 2: 3}, {2: 1}),
])
def test_a_refund_is_split_in_proportion_in_whole_dong_with_the_remainder_on_the_last_part(amount, weights, shares):
    assert refunds.split_proportionally(amount, weights) == shares
