"""Paying by bank transfer: checkout with bank_transfer, each cooperative's VietQR code and
details on the order page, what is still owed, and the records behind it."""
import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.orders.models import Order, PaymentMethod, VendorOrder
from marketplace.orders.states import VendorOrderState
from marketplace.payments import records, transfers, vietqr
from marketplace.payments.models import Payment, PaymentKind, PaymentStatus

from ..factories import make_cooperative, make_product, make_user
from ..orders.test_checkout import SAME_SITE, add, checkout_form


@pytest.fixture
def shop(app):
    na_coop = make_cooperative(name="HTX Na Chi Lăng")
    honey_coop = make_cooperative(name="HTX Quảng Hồng")
    na = make_product(na_coop, name="Na Chi Lăng", price=85_000, stock=20)
    honey = make_product(honey_coop, name="Mật ong rừng", price=180_000, stock=3)
    return {"na": na, "honey": honey}


def place_by_transfer(client, *products) -> tuple[Order, str]:
    """The order placed by this guest, and its page's address (with the guest's signed key)."""
    for product in products:
        add(client, product, 1)
    answer = client.post("/checkout", data=checkout_form(client, payment_method="bank_transfer"), headers=SAME_SITE)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return db.session.scalar(select(Order)), answer.headers["Location"]


def test_a_transfer_order_waits_for_payment_and_shows_a_vietqr_code_per_cooperative(client, shop):
    order, order_url = place_by_transfer(client, shop["na"], shop["honey"])
    parts = order.vendor_orders
    assert [part.state for part in parts] == [VendorOrderState.PENDING_PAYMENT] * 2
    assert all(part.reserved_until is not None for part in parts)

    page = client.get(order_url).get_data(as_text=True)
    assert page.count("<svg") == 2
    for part in parts:
        cooperative = part.cooperative
        assert cooperative.bank_account_number in page and part.code in page
        payload = vietqr.payload(cooperative.bank_bin, cooperative.bank_account_number, part.total, part.code)
        read = vietqr.parse(payload)
        assert (read["54"], read["62"]["08"]) == (str(part.total), part.code)
    assert "Vietcombank" in page


def test_a_cooperative_without_a_bank_account_cannot_be_paid_by_transfer(client, shop):
    cooperative = shop["honey"].cooperative
    cooperative.bank_account_number = ""
    db.session.commit()
    add(client, shop["honey"], 1)
    form = checkout_form(client, payment_method="bank_transfer", full_name="Trần Văn Bình")
    answer = client.post("/checkout", data=form, headers=SAME_SITE)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "HTX Quảng Hồng" in page and "Trần Văn Bình" in page
    assert db.session.scalar(select(Order)) is None


def test_a_transfer_received_in_full_moves_the_part_to_placed_and_a_partial_one_does_not(client, shop):
    order, order_url = place_by_transfer(client, shop["na"], shop["honey"])
    na_part, honey_part = order.vendor_orders
    staff = make_user(email="ke-toan@example.com")

    payment, events = transfers.record_received(na_part.cooperative_id, na_part.id, staff, 85_000, "FT2633401234")
    assert [e.to_state for e in events] == [VendorOrderState.PLACED]
    assert (payment.kind, payment.method, payment.status, payment.amount, payment.reference) == \
        (PaymentKind.PAYMENT, PaymentMethod.BANK_TRANSFER, PaymentStatus.SUCCEEDED, 85_000, "FT2633401234")

    _, events = transfers.record_received(honey_part.cooperative_id, honey_part.id, staff, 100_000, "FT2633405678")
    assert events == []
    db.session.expire_all()
    assert db.session.get(VendorOrder, honey_part.id).state == VendorOrderState.PENDING_PAYMENT
    assert records.balances([honey_part.id])[honey_part.id] == records.Balance(180_000, 100_000, 0)

    page = client.get(order_url).get_data(as_text=True)
    assert re.search(r"80[.,]000", page)  # still to pay, and the QR code asks for just that
    [instruction] = transfers.instructions(db.session.get(Order, order.id))
    assert instruction.amount == 80_000 and vietqr.parse(instruction.qr_payload)["54"] == "80000"


def test_a_transfer_cannot_be_recorded_for_another_cooperative_or_without_a_reference(client, shop):
    order, _ = place_by_transfer(client, shop["na"])
    part = order.vendor_orders[0]
    other = make_cooperative()
    with pytest.raises(LookupError):
        transfers.record_received(other.id, part.id, None, 85_000, "FT1")
    with pytest.raises(records.PaymentRefused) as refused:
        transfers.record_received(part.cooperative_id, part.id, None, 85_000, "  ")
    assert refused.value.reason == records.REFERENCE_NEEDED
    with pytest.raises(records.PaymentRefused):
        transfers.record_received(part.cooperative_id, part.id, None, 0, "FT2")
    assert db.session.scalars(select(Payment)).all() == []


def test_a_settled_record_settles_only_once(client, shop):
    order, _ = place_by_transfer(client, shop["na"])
    part = order.vendor_orders[0]
    payment = records.record(PaymentKind.PAYMENT, PaymentMethod.BANK_TRANSFER, order.id, {part.id: 85_000},
                             status=PaymentStatus.PENDING)
    assert records.settle(payment, PaymentStatus.SUCCEEDED, reference="FT3") is True
    assert records.settle(payment, PaymentStatus.FAILED) is False
    assert (payment.status, payment.reference) == (PaymentStatus.SUCCEEDED, "FT3")
