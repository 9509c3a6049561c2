"""The cooperative's payment pages, through the pages its staff use: cash collected at delivery (by
its staff or by a carrier that remits it later), a transfer marked as received, the payment
records of a vendor order and of the cooperative; never another cooperative's."""
from __future__ import annotations

import itertools
from urllib.parse import urlsplit

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.orders.models import PaymentMethod, VendorOrder
from marketplace.orders.order_links import order_link
from marketplace.orders.states import Actor, VendorOrderState
from marketplace.payments import records
from marketplace.payments.models import Collector, Payment, PaymentKind, PaymentStatus

from ..factories import make_order, make_user
from .conftest import emailed

S = VendorOrderState
BUYER_EMAIL = "mai@example.com"
_tokens = itertools.count(1)



def shipped_cod(product, user) -> VendorOrder:
    vendor_order = make_order(product, email=BUYER_EMAIL).vendor_orders[0]
    for state in (S.CONFIRMED, S.PACKED):
        fulfilment.change_state(vendor_order.id, state, Actor.COOPERATIVE, user)
    fulfilment.change_state(vendor_order.id, S.SHIPPED, Actor.COOPERATIVE, user, carrier="GHN",
                            tracking_number="GHN123")
    return current(vendor_order)


def transfer_order(product, quantity: int = 1) -> VendorOrder:
    return make_order(product, quantity=quantity, method=PaymentMethod.BANK_TRANSFER, email=BUYER_EMAIL).vendor_orders[0]


def current(vendor_order: VendorOrder) -> VendorOrder:
    db.session.expire_all()
    return db.session.get(VendorOrder, vendor_order.id)


def payments_of(vendor_order: VendorOrder) -> list[Payment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).where(Payment.order_id == vendor_order.order_id)
                                   .order_by(Payment.id)))


def shown(amount: int) -> str:
    """As the English pages show an amount."""
    return f"₫{amount:,}"


def dotted(amount: int) -> str:
    """As a Vietnamese user types it: 1.050.000."""
    return f"{amount:,}".replace(",", ".")


def test_a_shipped_cash_order_offers_the_cash_form_prefilled_instead_of_the_plain_button(client, staff, na):
    vendor_order = shipped_cod(na, staff)

    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)

    assert "Mark as delivered and record the cash" in page
    assert f'name="amount" required type="text" value="{vendor_order.total}"' in page
    assert 'value="delivered"' not in page  # the plain button would deliver without recording the cash
    assert "Mark transfer as received" not in page


def test_cash_collected_by_staff_delivers_and_records_a_settled_payment(client, outbox, staff, na):
    vendor_order = shipped_cod(na, staff)

    response = client.post(f"/vendor/orders/{vendor_order.id}/cash",
                           data={"amount": dotted(vendor_order.total), "collected_by": "cooperative"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/vendor/orders/{vendor_order.id}")
    assert current(vendor_order).state == S.DELIVERED
    [payment] = payments_of(vendor_order)
    assert (payment.kind, payment.method, payment.status, payment.collector, payment.amount, payment.recorded_by_id) \
        == (PaymentKind.PAYMENT, PaymentMethod.COD, PaymentStatus.SUCCEEDED, Collector.COOPERATIVE,
            vendor_order.total, staff.id)
    assert [(a.vendor_order_id, a.amount) for a in payment.allocations] == [(vendor_order.id, vendor_order.total)]
    assert [m["To"] for m in outbox] == [BUYER_EMAIL]
    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)
    assert f"Order {vendor_order.code}: delivered, {shown(vendor_order.total)} collected." in page
    assert "Mark as delivered and record the cash" not in page


def test_a_carrier_collection_waits_for_the_remittance_then_settles_with_a_fee_record(client, staff, na):
    vendor_order = shipped_cod(na, staff)

    client.post(f"/vendor/orders/{vendor_order.id}/cash",
                data={"amount": str(vendor_order.total), "collected_by": "carrier", "reference": ""})

    assert current(vendor_order).state == S.DELIVERED
    [collection] = payments_of(vendor_order)
    assert (collection.status, collection.collector) == (PaymentStatus.PENDING, Collector.CARRIER)
    assert records.balances([vendor_order.id])[vendor_order.id].paid == 0
    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)
    assert f"/vendor/payments/{collection.id}/remittance" in page and "Carrier remitted the cash" in page
    listing = client.get("/vendor/payments").get_data(as_text=True)
    assert "Cash the carriers still have to pay over" in listing and f"#remittance-{collection.id}" in listing

    response = client.post(f"/vendor/payments/{collection.id}/remittance",
                           data={"reference": "GHN-REM-0426", "fee": "15.000"})

    assert response.status_code == 303
    collection, fee = payments_of(vendor_order)
    assert (collection.status, collection.reference) == (PaymentStatus.SUCCEEDED, "GHN-REM-0426")
    assert (fee.kind, fee.status, fee.amount, fee.collector) == (
        PaymentKind.FEE, PaymentStatus.SUCCEEDED, 15_000, Collector.CARRIER)
    assert [(a.vendor_order_id, a.amount) for a in fee.allocations] == [(vendor_order.id, 15_000)]
    assert records.balances([vendor_order.id])[vendor_order.id].paid_in_full
    assert "Cash the carriers still have to pay over" not in client.get("/vendor/payments").get_data(as_text=True)

    again = client.post(f"/vendor/payments/{collection.id}/remittance", data={"reference": "GHN-REM-0426", "fee": "0"})
    assert again.status_code == 303 and len(payments_of(vendor_order)) == 2
    assert "This collection was already settled." in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_remittance_without_its_reference_is_refused_with_the_fee_kept(client, staff, na):
    vendor_order = shipped_cod(na, staff)
    client.post(f"/vendor/orders/{vendor_order.id}/cash",
                data={"amount": str(vendor_order.total), "collected_by": "carrier"})
    [collection] = payments_of(vendor_order)

    response = client.post(f"/vendor/payments/{collection.id}/remittance", data={"reference": " ", "fee": "12000"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="reference-error"' in page and 'value="12000"' in page
    assert payments_of(vendor_order)[0].status == PaymentStatus.PENDING


def test_a_difference_without_a_note_is_refused_and_nothing_changes(client, staff, na):
    vendor_order = shipped_cod(na, staff)
    short = vendor_order.total - 10_000

    response = client.post(f"/vendor/orders/{vendor_order.id}/cash",
                           data={"amount": dotted(short), "collected_by": "cooperative", "note": ""})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"This differs from the {shown(vendor_order.total)} still due: say why in the note." in page
    assert 'id="note-error"' in page and f'value="{dotted(short)}"' in page  # as typed
    assert current(vendor_order).state == S.SHIPPED and payments_of(vendor_order) == []


def test_a_difference_with_a_note_is_recorded_as_collected(client, staff, na):
    vendor_order = shipped_cod(na, staff)
    short = vendor_order.total - 10_000

    response = client.post(f"/vendor/orders/{vendor_order.id}/cash", data={
        "amount": dotted(short), "collected_by": "cooperative", "note": "Khách trả thiếu 10.000, hẹn chuyển sau"})

    assert response.status_code == 303
    [payment] = payments_of(vendor_order)
    assert (payment.amount, payment.note) == (short, "Khách trả thiếu 10.000, hẹn chuyển sau")
    assert current(vendor_order).state == S.DELIVERED


def test_cash_sent_twice_is_refused_the_second_time(client, staff, na):
    vendor_order = shipped_cod(na, staff)
    data = {"amount": str(vendor_order.total), "collected_by": "cooperative", "note": "Giao lần hai"}
    assert client.post(f"/vendor/orders/{vendor_order.id}/cash", data=data).status_code == 303

    response = client.post(f"/vendor/orders/{vendor_order.id}/cash", data=data)

    assert response.status_code == 422
    assert "This order is now “Delivered”: it can no longer be marked delivered." in response.get_data(as_text=True)
    assert len(payments_of(vendor_order)) == 1


def test_a_transfer_received_releases_the_unpaid_part_and_emails_the_buyer(client, outbox, staff, na):
    vendor_order = transfer_order(na, quantity=2)
    assert "Mark transfer as received" in client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)

    response = client.post(f"/vendor/orders/{vendor_order.id}/received", data={
        "amount": f"{vendor_order.total:,}", "reference": "FT26041234", "note": "Thấy trong app ngân hàng"})

    assert response.status_code == 303
    assert current(vendor_order).state == S.PLACED
    [payment] = payments_of(vendor_order)
    assert (payment.method, payment.status, payment.amount, payment.reference, payment.recorded_by_id) == (
        PaymentMethod.BANK_TRANSFER, PaymentStatus.SUCCEEDED, vendor_order.total, "FT26041234", staff.id)
    assert emailed(outbox) == [BUYER_EMAIL, "cooperative"]


def test_a_partial_transfer_keeps_the_part_waiting_and_the_buyer_sees_what_is_missing(app, client, outbox, staff, na):
    vendor_order = transfer_order(na, quantity=2)
    paid = vendor_order.total - 50_000

    client.post(f"/vendor/orders/{vendor_order.id}/received", data={"amount": str(paid), "reference": "FT1"})

    assert current(vendor_order).state == S.PENDING_PAYMENT and outbox == []
    buyer_client = app.test_client()
    buyer_client.set_cookie("lang", "en")
    link = urlsplit(order_link(current(vendor_order).order))
    page = buyer_client.get(f"{link.path}?{link.query}").get_data(as_text=True)
    assert shown(paid) in page and shown(50_000) in page and "Still to pay" in page


def test_a_transfer_without_a_bank_reference_is_refused_with_what_was_typed_kept(client, staff, na):
    vendor_order = transfer_order(na)

    response = client.post(f"/vendor/orders/{vendor_order.id}/received",
                           data={"amount": "1.000.000", "reference": "", "note": "Chuyển khoản thiếu nội dung"})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="reference-error"' in page and 'value="1.000.000"' in page and "Chuyển khoản thiếu nội dung" in page
    assert payments_of(vendor_order) == [] and current(vendor_order).state == S.PENDING_PAYMENT


def test_the_vendor_order_page_shows_its_payment_records(client, staff, na):
    vendor_order = shipped_cod(na, staff)
    client.post(f"/vendor/orders/{vendor_order.id}/cash", data={
        "amount": str(vendor_order.total + 5_000), "collected_by": "cooperative", "note": "Khách gửi thêm tiền boa"})

    page = client.get(f"/vendor/orders/{vendor_order.id}").get_data(as_text=True)

    payment_section = page[page.index('id="payment"'):page.index("Delivery</h2>")]
    for text in ("Cash on delivery · Our staff", shown(vendor_order.total + 5_000), "Settled", "Lý Thị Lan",
                 "Khách gửi thêm tiền boa", "Still to pay"):
        assert text in payment_section, text
    # Collector.COOPERATIVE and Actor.COOPERATIVE are both "cooperative": each keeps its own word.
    assert "Cooperative: Lý Thị Lan" in page[page.index("History</h2>"):]


def test_another_cooperative_cannot_see_or_record_on_our_orders_or_payments(app, client, staff, na, honey):
    theirs = shipped_cod(honey, make_user())
    their_transfer = transfer_order(honey)
    records_owner = make_user()
    collection = records.record(PaymentKind.PAYMENT, PaymentMethod.COD, theirs.order_id, {theirs.id: theirs.total},
                                status=PaymentStatus.PENDING, user=records_owner, collector=Collector.CARRIER,
                                reference="")
    db.session.commit()
    mine = shipped_cod(na, staff)
    client.post(f"/vendor/orders/{mine.id}/cash", data={"amount": str(mine.total), "collected_by": "cooperative"})

    assert client.get(f"/vendor/orders/{theirs.id}").status_code == 404
    assert client.post(f"/vendor/orders/{theirs.id}/cash",
                       data={"amount": str(theirs.total), "collected_by": "cooperative"}).status_code == 404
    assert client.post(f"/vendor/orders/{their_transfer.id}/received",
                       data={"amount": str(their_transfer.total), "reference": "FT9"}).status_code == 404
    assert client.post(f"/vendor/payments/{collection.id}/remittance",
                       data={"reference": "REM9", "fee": "0"}).status_code == 404
    listing = client.get("/vendor/payments").get_data(as_text=True)
    assert mine.code in listing and theirs.code not in listing and their_transfer.code not in listing

    assert (current(theirs).state, current(their_transfer).state) == (S.SHIPPED, S.PENDING_PAYMENT)
    assert [p.status for p in payments_of(theirs)] == [PaymentStatus.PENDING]
    assert payments_of(their_transfer) == []


def test_the_payments_list_is_newest_first_fifty_a_page(client, staff, na):
    vendor_order = transfer_order(na)
    for n in range(51):
        records.record(PaymentKind.PAYMENT, PaymentMethod.BANK_TRANSFER, vendor_order.order_id,
                       {vendor_order.id: 1_000 + n}, status=PaymentStatus.SUCCEEDED, reference=f"FT-{n:03d}")
    db.session.commit()
    assert db.session.scalar(select(func.count(Payment.id))) == 51

    first = client.get("/vendor/payments").get_data(as_text=True)
    second = client.get("/vendor/payments?page=2").get_data(as_text=True)

    assert first.index("FT-050") < first.index("FT-049") and "FT-001" in first and "FT-000" not in first
    assert 'rel="next"' in first and "FT-000" in second and "FT-050" not in second
