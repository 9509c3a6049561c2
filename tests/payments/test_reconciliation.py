"""Bank statement reconciliation through the cooperative's pages: uploading an export with its bank's
column mapping (remembered), reviewing what each line pays, applying exact lines (and flagged ones
only when asked), ignoring lines, importing twice, and never touching another cooperative's orders."""
from __future__ import annotations

import io
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.orders.models import PaymentMethod, VendorOrder
from marketplace.orders.states import VendorOrderState
from marketplace.payments import reconciliation
from marketplace.models import User
from marketplace.payments.models import Payment, PaymentStatus, StatementLine, StatementLineStatus
from marketplace.payments.statements import PRESETS, ColumnMapping

from ..conftest import Auth
from ..factories import make_cooperative, make_order, make_product, make_user
from .conftest import emailed

S = VendorOrderState
SAMPLES = Path(__file__).parent / "statements"
VIETINBANK = "970415"
BUYER_EMAIL = "mai@example.com"
HEADER = ("STT/No.;Ngày giao dịch/Transaction date;Mô tả giao dịch/Transaction description;Nợ/Debit;Có/Credit;"
          "Số giao dịch/Transaction number")
_tokens = itertools.count(1)


@pytest.fixture
def cabbage(staff):
    return make_product(staff.membership.cooperative, name="Rau cải", stock=50)


@pytest.fixture
def other_staff(app):
    """Staff of another cooperative, logged in on a client of their own."""
    user = make_user(email="hoa@example.com")
    cooperative = make_cooperative(name="HTX Mật ong", staff=(user,))
    client = app.test_client()
    Auth(client).login(user.email)
    client.set_cookie("lang", "en")
    return client, make_product(cooperative, name="Mật ong", stock=50)


def transfer_order(product, code: str, total: int) -> VendorOrder:
    """A part paid by bank transfer, waiting for its money, renamed to `code` and owing `total`."""
    vendor_order = make_order(product, method=PaymentMethod.BANK_TRANSFER, email=BUYER_EMAIL).vendor_orders[0]
    vendor_order.code, vendor_order.total = code, total
    db.session.commit()
    return vendor_order


@pytest.fixture
def sample_orders(cabbage):
    """The orders the VietinBank sample pays: 01 in two transfers (780,000 then 300,000), 02 at once."""
    return (transfer_order(cabbage, "CHX-26201301-1", 1_000_000),
            transfer_order(cabbage, "CHX-26201302-1", 1_250_000))


def csv_statement(*rows: tuple[str, str, str, str]) -> bytes:
    """A VietinBank-layout CSV of (date, message, credit, reference) rows."""
    body = [f"{n};{when};{message};;{credit};{reference}" for n, (when, message, credit, reference) in
            enumerate(rows, start=1)]
    return "\r\n".join([HEADER, *body]).encode("utf-8-sig")


def upload(client, data: bytes, filename: str = "statement.csv", bank: str = VIETINBANK,
           mapping: ColumnMapping | None = None):
    fields = {"bank": bank, "file": (io.BytesIO(data), filename), **(mapping or PRESETS[bank]).to_dict()}
    return client.post("/vendor/statements", data=fields, content_type="multipart/form-data")


def vietinbank_sample() -> bytes:
    return (SAMPLES / "vietinbank_2026-05.csv").read_bytes()


def lines() -> dict[str, StatementLine]:
    """The stored lines by bank reference."""
    db.session.expire_all()
    return {line.bank_reference: line for line in db.session.scalars(select(StatementLine))}


def payments_of(vendor_order: VendorOrder) -> list[Payment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).where(Payment.order_id == vendor_order.order_id)
                                   .order_by(Payment.id)))


def state_of(vendor_order: VendorOrder) -> VendorOrderState:
    db.session.expire_all()
    return db.session.get(VendorOrder, vendor_order.id).state


def review_row(page: str, line: StatementLine) -> str:
    start = page.index(f'id="line-{line.id}"')
    return page[start:page.index("</tr>", start)]


def test_the_upload_form_starts_with_the_columns_of_the_cooperatives_bank_or_the_one_chosen(client, staff):
    own_bank = client.get("/vendor/statements").get_data(as_text=True)  # the factory's cooperative banks at VCB
    chosen = client.get(f"/vendor/statements?bank={VIETINBANK}").get_data(as_text=True)

    assert '<option selected value="970436">Vietcombank</option>' in own_bank
    assert 'value="Số tiền ghi có"' in own_bank
    assert '<option selected value="970415">VietinBank</option>' in chosen
    assert 'value="Có/Credit"' in chosen and '<option selected value="dd/mm/yyyy HH:MM:SS">' in chosen


def test_the_vietinbank_sample_is_read_with_its_row_problem_and_each_line_gets_a_proposal(client, staff, sample_orders):
    first, second = sample_orders

    response = upload(client, vietinbank_sample(), "vietinbank_2026-05.csv")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Statement read: 4 new lines, 0 imported before, 2 payments out skipped." in page
    assert "Row 13: “04/05/2026 25:61:00” is not a date in the format dd/mm/yyyy HH:MM:SS." in page
    stored = lines()
    assert set(stored) == {"612208123456", "612314000222", "612616000444", "612717000555"}
    assert {line.status for line in stored.values()} == {StatementLineStatus.OPEN}

    review = client.get("/vendor/statements/review").get_data(as_text=True)
    exact = review_row(review, stored["612314000222"])
    assert "Pays exactly what is due" in exact and "CHX-26201302-1" in exact and "checked" in exact
    partial = review_row(review, stored["612208123456"])
    assert "Pays less than is due" in partial and "Difference: -₫220,000" in partial
    assert "checked" not in partial and "Apply anyway" in partial
    over = review_row(review, stored["612616000444"])  # measured against what the earlier line leaves
    assert "Pays more than is due" in over and "Difference: +₫80,000" in over and "₫220,000 due" in over
    assert "No open order of yours found" in review_row(review, stored["612717000555"])


def test_applying_the_ticked_lines_records_the_exact_ones_and_releases_their_orders(client, outbox, staff,
                                                                                     sample_orders):
    first, second = sample_orders
    upload(client, vietinbank_sample())
    stored = lines()
    ticked = [stored["612314000222"].id, stored["612208123456"].id]  # the exact line, and a partial one ticked

    response = client.post("/vendor/statements/apply", data={"line": ticked})

    assert response.status_code == 303 and response.headers["Location"].endswith("/vendor/statements/review")
    [payment] = payments_of(second)
    assert (payment.method, payment.status, payment.amount, payment.reference, payment.recorded_by_id) == (
        PaymentMethod.BANK_TRANSFER, PaymentStatus.SUCCEEDED, 1_250_000, "612314000222", staff.id)
    assert payment.note == stored["612314000222"].message
    assert [(a.vendor_order_id, a.amount) for a in payment.allocations] == [(second.id, 1_250_000)]
    assert state_of(second) == S.PLACED
    assert emailed(outbox) == [BUYER_EMAIL, "cooperative"]
    stored = lines()
    assert (stored["612314000222"].status, stored["612314000222"].payment_id) == (StatementLineStatus.APPLIED,
                                                                                  payment.id)
    assert stored["612208123456"].status == StatementLineStatus.OPEN
    assert payments_of(first) == [] and state_of(first) == S.PENDING_PAYMENT
    review = client.get("/vendor/statements/review").get_data(as_text=True)
    assert "was not applied: the amount differs from what is due" in review
    assert "612314000222" not in review


def test_flagged_lines_are_applied_only_with_apply_anyway(client, outbox, staff, sample_orders):
    first, _second = sample_orders
    upload(client, vietinbank_sample())
    stored = lines()

    client.post("/vendor/statements/apply", data={"line": stored["612208123456"].id, "accept_difference": "1"})

    assert [p.amount for p in payments_of(first)] == [780_000]
    assert state_of(first) == S.PENDING_PAYMENT and outbox == []
    client.post("/vendor/statements/apply", data={"line": stored["612616000444"].id, "accept_difference": "1"})
    assert [p.amount for p in payments_of(first)] == [780_000, 300_000]
    assert state_of(first) == S.PLACED and emailed(outbox) == [BUYER_EMAIL, "cooperative"]


def test_a_line_applied_twice_records_one_payment(client, staff, sample_orders):
    _first, second = sample_orders
    upload(client, vietinbank_sample())
    line_id = lines()["612314000222"].id

    client.post("/vendor/statements/apply", data={"line": line_id})
    client.post("/vendor/statements/apply", data={"line": line_id})

    assert len(payments_of(second)) == 1
    assert "was not applied: already applied or ignored" in client.get("/vendor/statements/review").get_data(
        as_text=True)


def test_a_line_paying_two_orders_exactly_records_a_payment_for_each(client, outbox, staff, cabbage):
    one, two = transfer_order(cabbage, "CHX-26555111-1", 800_000), transfer_order(cabbage, "CHX-26555222-1", 1_500_000)
    upload(client, csv_statement(("03/05/2026 10:00:00", "TT CHX26555111 1 va CHX26555222 1", "2.300.000", "FT2")))

    client.post("/vendor/statements/apply", data={"line": lines()["FT2"].id})

    [first], [second] = payments_of(one), payments_of(two)
    assert [(a.vendor_order_id, a.amount) for a in first.allocations + second.allocations] == [
        (one.id, 800_000), (two.id, 1_500_000)]
    assert {first.reference, second.reference} == {"FT2"}
    assert lines()["FT2"].payment_id == first.id
    assert (state_of(one), state_of(two)) == (S.PLACED, S.PLACED) and emailed(outbox) == [BUYER_EMAIL, BUYER_EMAIL, "cooperative", "cooperative"]


@pytest.mark.postgres
def test_two_staff_applying_the_same_line_at_once_record_one_payment(app, client, staff, sample_orders):
    upload(client, vietinbank_sample())
    line_id, cooperative_id, user_id = lines()["612314000222"].id, staff.membership.cooperative_id, staff.id
    start = threading.Barrier(2, timeout=30)

    def apply_line(_n) -> int:
        with app.app_context():  # a session and a connection of its own
            try:
                user = db.session.get(User, user_id)
                start.wait()
                return len(reconciliation.apply(cooperative_id, [line_id], user).applied)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(apply_line, range(2))) == [0, 1]
    assert len(payments_of(sample_orders[1])) == 1


@pytest.mark.postgres
def test_the_same_statement_imported_twice_at_once_is_stored_once(app, staff):
    cooperative_id, user_id = staff.membership.cooperative_id, staff.id
    start = threading.Barrier(2, timeout=30)

    def import_sample(_n) -> int:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                start.wait()
                return reconciliation.import_statement(cooperative_id, user, vietinbank_sample(), "s.csv",
                                                       PRESETS[VIETINBANK]).new
            finally:
                db.session.remove()

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(import_sample, range(2))) == [0, 4]
    assert len(lines()) == 4


def test_importing_the_same_statement_again_changes_nothing(client, staff, sample_orders):
    upload(client, vietinbank_sample())
    client.post("/vendor/statements/apply", data={"line": lines()["612314000222"].id})
    before = {ref: (line.id, line.status) for ref, line in lines().items()}

    page = upload(client, vietinbank_sample(), "vietinbank-again.csv").get_data(as_text=True)

    assert "Statement read: 0 new lines, 4 imported before, 2 payments out skipped." in page
    assert {ref: (line.id, line.status) for ref, line in lines().items()} == before


def test_equal_lines_without_a_bank_reference_are_both_kept_and_recognised_on_the_next_import(client, staff):
    twice_the_same = ("02/05/2026 08:00:00", "Chuyen tien CHX 26999999 1", "100.000", "")
    statement = csv_statement(twice_the_same, twice_the_same)

    first, again = upload(client, statement), upload(client, statement)

    assert first.status_code == again.status_code == 303
    assert len(db.session.scalars(select(StatementLine)).all()) == 2
    page = client.get("/vendor/statements/review").get_data(as_text=True)
    assert "Statement read: 0 new lines, 2 imported before, 0 payments out skipped." in page


def test_a_line_naming_another_cooperatives_order_stays_unmatched_and_cannot_be_applied(client, staff, other_staff):
    _client, honey = other_staff
    theirs = transfer_order(honey, "CHX-26777777-1", 500_000)
    upload(client, csv_statement(("03/05/2026 10:00:00", "thanh toan CHX-26777777-1", "500.000", "FT777")))
    line = lines()["FT777"]

    row = review_row(client.get("/vendor/statements/review").get_data(as_text=True), line)
    response = client.post("/vendor/statements/apply", data={"line": line.id, "accept_difference": "1"})

    assert "No open order of yours found" in row and "not open orders of yours: CHX-26777777-1" in row
    assert "checked" not in row and "Apply anyway" not in row
    assert response.status_code == 303
    assert payments_of(theirs) == [] and state_of(theirs) == S.PENDING_PAYMENT
    assert lines()["FT777"].status == StatementLineStatus.OPEN


def test_another_cooperative_neither_sees_nor_changes_our_lines(client, staff, sample_orders, other_staff):
    their_client, _honey = other_staff
    upload(client, vietinbank_sample())
    ours = lines()["612314000222"]

    their_review = their_client.get("/vendor/statements/review").get_data(as_text=True)
    ignore = their_client.post(f"/vendor/statements/lines/{ours.id}/ignore")
    apply = their_client.post("/vendor/statements/apply", data={"line": ours.id})

    assert "612314000222" not in their_review and "No statement line is waiting" in their_review
    assert (ignore.status_code, apply.status_code) == (404, 404)
    assert lines()["612314000222"].status == StatementLineStatus.OPEN
    assert payments_of(sample_orders[1]) == []


def test_an_ignored_line_leaves_the_review(client, staff, sample_orders):
    upload(client, vietinbank_sample())
    donation = lines()["612717000555"]

    response = client.post(f"/vendor/statements/lines/{donation.id}/ignore")

    assert response.status_code == 303
    assert lines()["612717000555"].status == StatementLineStatus.IGNORED
    review = client.get("/vendor/statements/review").get_data(as_text=True)
    assert "The line is ignored" in review and f'id="line-{donation.id}"' not in review


def test_bad_rows_are_shown_by_row_number_and_the_good_ones_imported(client, staff):
    statement = csv_statement(("02/05/2026 08:00:00", "CHX 26999999 1", "12,5", "FT1"),
                              ("31/02/2026 08:00:00", "CHX 26999998 1", "100.000", "FT2"),
                              ("03/05/2026 08:00:00", "CHX 26999997 1", "100.000", "FT3"))

    page = upload(client, statement).get_data(as_text=True)

    assert "Row 2: “12,5” is not an amount in whole đồng. The row was skipped." in page
    assert "Row 3: “31/02/2026 08:00:00” is not a date in the format dd/mm/yyyy HH:MM:SS." in page
    assert set(lines()) == {"FT3"}


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"\x89PNG\r\n\x1a\n not a statement", "photo.png", "This file is not a bank statement export"),
    ("Ngày giao dịch/Transaction date;Mô tả giao dịch/Transaction description;Số tiền\r\n".encode(), "other.csv",
     "The file has no column “Có/Credit”."),
    (b"\xd0\xcf\x11\xe0" + bytes(100), "old.xls", "This is an old Excel file (.xls)"),
    (b"x" * 10_000_001, "huge.csv", "The file is larger than 10 MB"),
])
def test_a_file_that_is_not_a_statement_is_refused_with_the_form_kept(client, staff, data, filename, message):
    response = upload(client, data, filename)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert '<option selected value="970415">VietinBank</option>' in page and 'value="Có/Credit"' in page
    assert lines() == {}


def test_an_incomplete_mapping_is_refused_and_not_remembered(client, staff):
    mapping = PRESETS[VIETINBANK].to_dict() | {"debit": ""}

    response = client.post("/vendor/statements", content_type="multipart/form-data", data={
        "bank": VIETINBANK, "file": (io.BytesIO(vietinbank_sample()), "s.csv"), **mapping})

    assert response.status_code == 422
    assert "either the credit and debit columns or one amount column" in response.get_data(as_text=True)
    assert reconciliation.mapping_for(staff.membership.cooperative_id, VIETINBANK) == PRESETS[VIETINBANK]


def test_the_mapping_used_is_remembered_for_the_banks_next_upload(client, staff):
    mb = "970422"  # no preset
    assert 'name="date" type="text" value=""' in client.get(f"/vendor/statements?bank={mb}").get_data(as_text=True)
    mapping = ColumnMapping(date="Ngày", message="Nội dung", reference="Mã GD", amount="Số tiền", direction="Loại",
                            credit_value="Có")
    statement = "Ngày,Nội dung,Số tiền,Loại,Mã GD\r\n02/05/2026,CK CHX-26999999-1,\"200,000\",Có,MB1\r\n" \
                "02/05/2026,Phí SMS,\"11,000\",Nợ,MB2\r\n"

    response = upload(client, statement.encode(), "mb.csv", bank=mb, mapping=mapping)

    assert response.status_code == 303
    assert set(lines()) == {"MB1"} and lines()["MB1"].amount == 200_000
    assert reconciliation.mapping_for(staff.membership.cooperative_id, mb) == mapping
    page = client.get(f"/vendor/statements?bank={mb}").get_data(as_text=True)
    assert 'value="Nội dung"' in page and 'value="Loại"' in page and 'value="Có"' in page
