"""The cooperative's refund pages: a refund recorded from the vendor order's page (paid back at once
with a bank reference, or later), goods back in stock, refusals with what was typed kept, a card
refund sent through the gateway (localstripe) and sent again after the gateway was down, and
never on another cooperative's orders or refunds."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.orders.models import PaymentMethod, VendorOrder
from marketplace.payments import card, records, transfers
from marketplace.payments.models import Payment, PaymentKind, PaymentStatus

from ..factories import DEFAULT_PASSWORD, make_cooperative, make_product, make_user
from .conftest import card_settings, free_port, place_card_order
from .test_vendor_payments import current, shown, transfer_order


def paid_transfer_order(product, staff, quantity: int = 2) -> VendorOrder:
    vendor_order = transfer_order(product, quantity)
    transfers.record_received(vendor_order.cooperative_id, vendor_order.id, staff, vendor_order.total, "FT-IN-1")
    return current(vendor_order)


def refunds_of(vendor_order: VendorOrder) -> list[Payment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).where(Payment.order_id == vendor_order.order_id,
                                                         Payment.kind == PaymentKind.REFUND).order_by(Payment.id)))


def logged_in(app, user):
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert client.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return client


def test_a_paid_order_offers_the_refund_form_prefilled_with_what_can_be_refunded(client, staff, na):
    unpaid = transfer_order(na)
    assert "Refund the buyer" not in client.get(f"/vendor/orders/{unpaid.id}").get_data(as_text=True)
    vendor_order = paid_transfer_order(na, staff)

    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)

    form = page[page.index('id="refund"'):]
    assert f'name="amount" required type="text" value="{vendor_order.total}"' in form
    assert 'name="reference"' in form and f'name="back_{na.id}"' in form and "Sold: 2 kg." in form


def test_a_partial_refund_with_a_bank_reference_is_paid_back_and_shown_as_refunded(client, staff, na):
    vendor_order = paid_transfer_order(na, staff)

    response = client.post(f"/vendor/orders/{vendor_order.id}/refund", data={
        "amount": "50.000", "reason": "Một quả bị dập", "reference": "FT-OUT-1", f"back_{na.id}": "0"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/vendor/orders/{vendor_order.id}")
    [refund] = refunds_of(vendor_order)
    assert (refund.method, refund.status, refund.amount, refund.reference, refund.note, refund.recorded_by_id) == (
        PaymentMethod.BANK_TRANSFER, PaymentStatus.SUCCEEDED, 50_000, "FT-OUT-1", "Một quả bị dập", staff.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Order {vendor_order.code}: a refund of {shown(50_000)} was recorded as paid back." in page
    facts = page[page.index('id="payment"'):]
    assert f"<dt>Refunded</dt><dd>{shown(50_000)}</dd>" in facts
    assert f'value="{vendor_order.total - 50_000}"' in facts  # what is left to refund
    assert "Paid back</button>" not in page


def test_a_refund_without_a_reference_waits_first_on_the_payments_page_until_paid_back(client, staff, na):
    vendor_order = paid_transfer_order(na, staff)

    client.post(f"/vendor/orders/{vendor_order.id}/refund",
                data={"amount": str(vendor_order.total), "reason": "Khách trả hàng", "reference": ""})

    [refund] = refunds_of(vendor_order)
    assert refund.status == PaymentStatus.PENDING
    assert records.balances([vendor_order.id])[vendor_order.id].refunded == 0
    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)
    assert f"/vendor/payments/{refund.id}/paid-back" in page and "Refund the buyer" not in page  # all of it is refunding
    listing = client.get("/vendor/payments").get_data(as_text=True)
    assert listing.index("Refunds still to pay back or send") < listing.index("Payment records")
    assert f"#refund-{refund.id}" in listing

    field = f"paid-back-{refund.id}-reference"
    assert f'name="{field}"' in page
    refused = client.post(f"/vendor/payments/{refund.id}/paid-back", data={field: " "})
    assert refused.status_code == 422 and f'id="{field}-error"' in refused.get_data(as_text=True)
    response = client.post(f"/vendor/payments/{refund.id}/paid-back", data={field: "FT-OUT-2"})

    assert response.status_code == 303
    [refund] = refunds_of(vendor_order)
    assert (refund.status, refund.reference) == (PaymentStatus.SUCCEEDED, "FT-OUT-2")
    assert records.balances([vendor_order.id])[vendor_order.id].refunded == vendor_order.total
    assert "Refunds still to pay back or send" not in client.get("/vendor/payments").get_data(as_text=True)
    again = client.post(f"/vendor/payments/{refund.id}/paid-back", data={field: "FT-OUT-3"})
    assert "This refund was already settled." in client.get(again.headers["Location"]).get_data(as_text=True)
    assert refunds_of(vendor_order)[0].reference == "FT-OUT-2"


def test_more_than_can_be_refunded_is_refused_with_the_amount_kept_and_the_limit_shown(client, staff, na):
    vendor_order = paid_transfer_order(na, staff)
    too_much = vendor_order.total + 1_000

    response = client.post(f"/vendor/orders/{vendor_order.id}/refund",
                           data={"amount": f"{too_much:,}", "reason": "Nhầm giá"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'value="{too_much:,}"' in page and "Nhầm giá" in page
    assert f'<p id="amount-error" class="error">At most {shown(vendor_order.total)} can still be refunded.</p>' in page
    assert refunds_of(vendor_order) == []


def test_a_refund_without_a_reason_is_refused(client, staff, na):
    vendor_order = paid_transfer_order(na, staff)

    response = client.post(f"/vendor/orders/{vendor_order.id}/refund",
                           data={"amount": "10000", "reason": "   ", "reference": "FT-OUT-1"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="reason-error"' in page and 'value="FT-OUT-1"' in page
    assert refunds_of(vendor_order) == []


def test_units_back_in_stock_raise_the_stock_with_a_return_movement(client, staff, na):
    vendor_order = paid_transfer_order(na, staff, quantity=3)
    assert db.session.get(Product, na.id).stock_quantity == 17

    refused = client.post(f"/vendor/orders/{vendor_order.id}/refund",
                          data={"amount": "85000", "reason": "Trả lại", f"back_{na.id}": "4"})
    assert refused.status_code == 422 and "Enter a whole number from 0 to 3." in refused.get_data(as_text=True)

    response = client.post(f"/vendor/orders/{vendor_order.id}/refund", data={
        "amount": "170.000", "reason": "Khách gửi trả 2 hộp", "reference": "FT-OUT-4", f"back_{na.id}": "2"})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Product, na.id).stock_quantity == 19
    returns = db.session.scalars(select(StockMovement).where(StockMovement.reason == MovementReason.RETURN)).all()
    assert [(m.product_id, m.quantity, m.reference, m.user_id) for m in returns] == [
        (na.id, 2, vendor_order.code, staff.id)]
    assert [r.amount for r in refunds_of(vendor_order)] == [170_000]


# --- card refunds ----------------------------------------------------------------------------

@pytest.fixture
def card_staff(card_app):
    user = make_user(email="lan@example.com", full_name="Lý Thị Lan")
    cooperative = make_cooperative(name="HTX Na Chi Lăng", owner=make_user(), staff=(user,))
    product = make_product(cooperative, name="Na Chi Lăng", price=150_000, stock=5)
    return logged_in(card_app, user), product


@pytest.fixture
def paid_card_order(card_app, card_staff) -> VendorOrder:
    _client, product = card_staff
    order = place_card_order(product)
    assert card.pay(order.id, card.new_attempt_token(), "succeeding").outcome == card.Outcome.PAID
    return current(order.vendor_orders[0])


def test_a_card_order_is_refunded_through_the_gateway_from_the_page(card_staff, paid_card_order):
    client, _product = card_staff
    vendor_order = paid_card_order
    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)
    assert "Refund the buyer" in page and 'name="reference"' not in page[page.index('id="refund"'):]

    response = client.post(f"/vendor/orders/{vendor_order.id}/refund",
                           data={"amount": "50000", "reason": "Hàng hỏng"})

    assert response.status_code == 303
    [refund] = refunds_of(vendor_order)
    assert (refund.method, refund.status, refund.amount) == (PaymentMethod.CARD, PaymentStatus.SUCCEEDED, 50_000)
    assert refund.reference.startswith("re_")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"a refund of {shown(50_000)} was sent to the buyer&#39;s card." in page


def test_a_card_refund_waits_while_the_gateway_is_down_and_is_sent_again_later(card_app, card_staff,
                                                                                paid_card_order, localstripe):
    client, _product = card_staff
    vendor_order = paid_card_order
    card_app.config.update(card_settings(f"http://127.0.0.1:{free_port()}"))

    response = client.post(f"/vendor/orders/{vendor_order.id}/refund",
                           data={"amount": str(vendor_order.total), "reason": "Khách hủy"})

    [refund] = refunds_of(vendor_order)
    assert (refund.status, refund.reference) == (PaymentStatus.PENDING, "")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "the card gateway did not answer" in page
    assert f'action="/vendor/payments/{refund.id}/send-refund"' in page and "Send the refund again" in page

    card_app.config.update(card_settings(localstripe.url))
    again = client.post(f"/vendor/payments/{refund.id}/send-refund")

    assert again.status_code == 303
    [refund] = refunds_of(vendor_order)
    assert refund.status == PaymentStatus.SUCCEEDED and refund.reference.startswith("re_")
    assert records.balances([vendor_order.id])[vendor_order.id].refunded == vendor_order.total
    assert "Send the refund again" not in client.get(again.headers["Location"]).get_data(as_text=True)


# --- someone else's --------------------------------------------------------------------------

def test_another_cooperative_gets_404_on_our_refund_pages(app, client, staff, na):
    ours = paid_transfer_order(na, staff)
    client.post(f"/vendor/orders/{ours.id}/refund", data={"amount": "10000", "reason": "Thiếu hàng"})
    [refund] = refunds_of(ours)
    card_refund = records.record(PaymentKind.REFUND, PaymentMethod.CARD, ours.order_id, {ours.id: 5_000},
                                 status=PaymentStatus.PENDING, idempotency_key="refund-test-card")
    db.session.commit()
    other_staff = make_user()
    make_cooperative(name="HTX Mật ong", staff=(other_staff,))
    theirs = logged_in(app, other_staff)

    assert theirs.post(f"/vendor/orders/{ours.id}/refund",
                       data={"amount": "10000", "reason": "x", "reference": "FT"}).status_code == 404
    assert theirs.post(f"/vendor/payments/{refund.id}/paid-back",
                       data={f"paid-back-{refund.id}-reference": "FT-X"}).status_code == 404
    assert theirs.post(f"/vendor/payments/{card_refund.id}/send-refund").status_code == 404
    assert "Refunds still to pay back" not in theirs.get("/vendor/payments").get_data(as_text=True)
    assert [(r.amount, r.status) for r in refunds_of(ours)] == [(10_000, PaymentStatus.PENDING),
                                                                (5_000, PaymentStatus.PENDING)]


def test_the_buyer_is_emailed_in_vietnamese_about_the_refund(client, staff, na, outbox):
    vendor_order = paid_transfer_order(na, staff)
    outbox.clear()

    client.post(f"/vendor/orders/{vendor_order.id}/refund", data={
        "amount": "50.000", "reason": "Một quả bị dập", "reference": "", f"back_{na.id}": "0"})

    [message] = outbox
    order = vendor_order.order
    assert message["To"] == order.email and order.number in message["Subject"]
    text = message.get_content()
    assert "Một quả bị dập" in text and "50.000" in text and "chuyển khoản lại" in text
