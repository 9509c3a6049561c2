"""Cooperative staff record harvest lots, anyone traces a lot by its code, and its labels print
with QR codes that open the trace page."""
import re
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import func, select

from marketplace.common.vntime import vietnam_today
from marketplace.extensions import db
from marketplace.inventory import lots, stock
from marketplace.models import (
    CertificationKind,
    CooperativeStatus,
    Lot,
    MovementReason,
    Product,
    ProductCertification,
    ProductStatus,
    StockMovement,
)

from ..factories import make_cooperative, make_product, make_user

TODAY = vietnam_today()
CODE = re.compile(f"[{lots.CODE_ALPHABET}]{{8}}")


@pytest.fixture
def staff(app, auth):
    user = make_user(email="lan@example.com", full_name="Lý Thị Lan")
    make_cooperative(name="HTX Nông sản Chi Lăng", owner=make_user(), staff=(user,))
    auth.login(user.email)
    return user


@pytest.fixture
def product(staff):
    return make_product(staff.membership.cooperative, name="Na Chi Lăng loại 1", stock=0)


def lot_data(**overrides) -> dict:
    data = {"harvested_on": (TODAY - timedelta(days=2)).isoformat(),
            "best_before": (TODAY + timedelta(days=12)).isoformat(), "quantity": "120",
            "area": "Đồi Cốc, lô 3", "practices": "Không phun thuốc 30 ngày trước thu hoạch.",
            "certification_refs": "VietGAP VG-LS-07"}
    return {**data, **overrides}


def create_lot(client, product, **overrides) -> Lot:
    response = client.post(f"/vendor/products/{product.id}/lots", data=lot_data(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.scalars(select(Lot).order_by(Lot.id.desc())).first()


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def certify(product, kind, number, expires_on, stars=None):
    db.session.add(ProductCertification(product_id=product.id, kind=kind, certificate_number=number,
                                        expires_on=expires_on, ocop_stars=stars))
    db.session.commit()


def test_a_new_lot_adds_its_harvest_to_the_stock(client, staff, product):
    assert client.get(f"/vendor/products/{product.id}/lots").status_code == 200
    lot = create_lot(client, product)
    assert CODE.fullmatch(lot.code)
    assert (lot.harvested_on, lot.best_before) == (TODAY - timedelta(days=2), TODAY + timedelta(days=12))
    assert lot.quantity == 120
    assert (lot.area, lot.certification_refs, lot.created_by_id) == ("Đồi Cốc, lô 3", "VietGAP VG-LS-07", staff.id)
    movement = db.session.scalar(select(StockMovement))
    assert (movement.quantity, movement.reason, movement.lot_id, movement.reference, movement.user_id) == (
        120, MovementReason.HARVEST, lot.id, lot.code, staff.id)
    assert db.session.get(Product, product.id).stock_quantity == 120 == stock.movements_total(product.id)
    page = client.get(f"/vendor/products/{product.id}/lots").get_data(as_text=True)
    assert lot.code in page and f"/vendor/lots/{lot.id}/labels" in page and f"/trace/{lot.code}" in page
    edit_page = client.get(f"/vendor/products/{product.id}/edit").get_data(as_text=True)
    assert f"/vendor/products/{product.id}/lots" in edit_page


def test_codes_are_short_unique_and_a_collision_is_retried(client, staff, product, monkeypatch):
    codes = {create_lot(client, product, quantity="1").code for _ in range(5)}
    assert len(codes) == 5 and all(CODE.fullmatch(code) for code in codes)
    taken = sorted(codes)[0]
    fresh = iter([taken, taken, "HARVEST2"])
    monkeypatch.setattr(lots, "new_code", lambda: next(fresh))
    assert create_lot(client, product, quantity="7").code == "HARVEST2"
    assert count(Lot) == 6 and db.session.get(Product, product.id).stock_quantity == 12


@pytest.mark.parametrize("field, value, message", [
    ("harvested_on", (TODAY + timedelta(days=1)).isoformat(), None),
    ("best_before", (TODAY - timedelta(days=3)).isoformat(), None),
    ("harvested_on", "", "Vui lòng điền vào ô này."),
    ("quantity", "0", "Nhập số nguyên từ 1 đến 100000."),
    ("quantity", "100001", "Nhập số nguyên từ 1 đến 100000."),
    ("quantity", "mười", "Nhập số nguyên từ 1 đến 100000."),
    ("quantity", "12.5", "Nhập số nguyên từ 1 đến 100000."),
])
def test_each_bad_value_gets_its_message_keeps_what_was_typed_and_writes_nothing(
        client, staff, product, field, value, message):
    response = client.post(f"/vendor/products/{product.id}/lots", data=lot_data(**{field: value}))
    page = response.get_data(as_text=True)
    error = re.search(rf'<p id="{field}-error" class="error">([^<]+)</p>', page)
    assert response.status_code == 422 and error, page
    assert message is None or error.group(1) == message
    assert f'value="{value}"' in page and 'value="Đồi Cốc, lô 3"' in page
    assert count(Lot) == 0 and count(StockMovement) == 0
    assert db.session.get(Product, product.id).stock_quantity == 0


def test_the_trace_page_shows_where_and_when_and_links_to_buy(client, auth, staff, product):
    certify(product, CertificationKind.VIETGAP, "VG-LS-07", TODAY + timedelta(days=365))
    certify(product, CertificationKind.ORGANIC, "HC-2024-1", TODAY - timedelta(days=1))
    certify(product, CertificationKind.OCOP, "OCOP-LS-1", None, stars=4)
    lot = create_lot(client, product)
    auth.logout()
    response = client.get(f"/trace/{lot.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for fact in ("Na Chi Lăng loại 1", "Xã Chi Lăng, Lạng Sơn", "Đồi Cốc, lô 3", "Không phun thuốc 30 ngày",
                 "VG-LS-07", "OCOP 4 sao", (TODAY - timedelta(days=2)).strftime("%d/%m/%Y"),
                 (TODAY + timedelta(days=12)).strftime("%d/%m/%Y")):
        assert fact in page, fact
    cooperative = staff.membership.cooperative
    assert f'<a href="/coops/{cooperative.slug}">HTX Nông sản Chi Lăng</a>' in page
    vietgap = re.search(r"<li>VietGAP.*?</li>", page, re.S).group(0)
    assert "hiệu lực đến " + (TODAY + timedelta(days=365)).strftime("%d/%m/%Y") in vietgap
    organic = re.search(r"<li>Hữu cơ.*?</li>", page, re.S).group(0)
    assert "<strong>" in organic and (TODAY - timedelta(days=1)).strftime("%d/%m/%Y") in organic
    assert f'href="/products/{product.slug}"' in page
    assert "<script" not in page.split("</head>")[1]  # no script beyond the site's one deferred file


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.ARCHIVED])
def test_a_hidden_product_has_no_buy_link_but_its_lot_stays_traceable(client, staff, product, status):
    lot = create_lot(client, product)
    product.status = status
    db.session.commit()
    page = client.get(f"/trace/{lot.code.lower()[:4]} {lot.code.lower()[4:]}").get_data(as_text=True)
    assert "Na Chi Lăng loại 1" in page and lot.code in page
    assert f'href="/products/{product.slug}"' not in page


def test_a_suspended_cooperatives_lot_shows_without_links(client, staff, product):
    lot = create_lot(client, product)
    cooperative = staff.membership.cooperative
    cooperative.status = CooperativeStatus.SUSPENDED
    db.session.commit()
    response = client.get(f"/trace/{lot.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "HTX Nông sản Chi Lăng" in page
    assert f"/coops/{cooperative.slug}" not in page and f'href="/products/{product.slug}"' not in page


@pytest.mark.parametrize("code", ["ABCD2345", "abcd", "%00", "A%00BCDEFGH", "x" * 5000, "<script>alert(1)</script>",
                                  "ABCD'--", "ÀBCDEFGH", "%F0%9F%8D%88", "..%2F..%2Fetc"])
def test_an_unknown_or_hostile_code_gets_the_friendly_not_found_page(client, app, code):
    response = client.get(f"/trace/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in page and "<script>alert" not in page


def test_the_label_sheet_has_the_chosen_number_of_qr_codes_opening_the_trace_page(client, staff, product):
    lot = create_lot(client, product)
    assert client.get(f"/vendor/lots/{lot.id}/labels").status_code == 200
    response = client.post(f"/vendor/lots/{lot.id}/labels", data={"count": "14"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"labels-{lot.code}.pdf" in response.headers["Content-Disposition"]
    document = pypdfium2.PdfDocument(response.data)
    decoded = [code.text for page in document
               for code in zxingcpp.read_barcodes(page.render(scale=2).to_pil())]
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert decoded == [f"http://localhost/trace/{lot.code}"] * 14
    assert "Na Chi Lăng loại 1" in text and "HTX Nông sản Chi Lăng" in text and lot.code in text
    assert (TODAY - timedelta(days=2)).strftime("%d/%m/%Y") in text
    assert client.get(decoded[0].removeprefix("http://localhost")).status_code == 200


@pytest.mark.parametrize("how_many", ["0", "201", "nhiều", ""])
def test_a_label_count_out_of_range_is_refused(client, staff, product, how_many):
    lot = create_lot(client, product)
    response = client.post(f"/vendor/lots/{lot.id}/labels", data={"count": how_many})
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert 'id="count-error"' in response.get_data(as_text=True)


def test_another_cooperatives_staff_reach_neither_its_lots_nor_its_stock(client, auth, staff, product):
    lot = create_lot(client, product)
    auth.logout()
    intruder = make_user()
    make_cooperative(owner=intruder)
    auth.login(intruder.email)
    assert client.get(f"/vendor/products/{product.id}/lots").status_code == 404
    assert client.post(f"/vendor/products/{product.id}/lots", data=lot_data()).status_code == 404
    assert client.get(f"/vendor/lots/{lot.id}/labels").status_code == 404
    assert client.post(f"/vendor/lots/{lot.id}/labels", data={"count": "1"}).status_code == 404
    assert count(Lot) == 1 and db.session.get(Product, product.id).stock_quantity == 120


@pytest.mark.parametrize("url", ["/vendor/products/2147483648/lots", "/vendor/lots/99999999999999999999/labels",
                                 "/vendor/lots/-1/labels", "/vendor/lots/1e3/labels"])
def test_an_id_that_can_be_no_ones_is_not_found(client, staff, url):
    assert client.get(url).status_code == 404
    assert client.post(url, data=lot_data(count="1")).status_code == 404


def test_a_pending_cooperative_has_no_lots(client, auth):
    owner = make_user()
    product = make_product(make_cooperative(owner=owner, status=CooperativeStatus.PENDING))
    auth.login(owner.email)
    assert client.get(f"/vendor/products/{product.id}/lots").status_code == 403
    assert client.post(f"/vendor/products/{product.id}/lots", data=lot_data()).status_code == 403
    assert count(Lot) == 0
