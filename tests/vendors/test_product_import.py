"""Cooperative staff export their products and stock as CSV and import them back: a dry run shows
each row's fate, confirming writes every row or none, and no other cooperative is ever reached."""
import csv
import io
import re

import pytest
from sqlalchemy import func, select

from marketplace.common.vntime import vietnam_today
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.inventory.stock import InsufficientStock
from marketplace.models import (
    CertificationKind,
    CooperativeMember,
    CooperativeStatus,
    MemberRole,
    Product,
    ProductStatus,
    User,
)
from marketplace.vendors import product_import, products
from marketplace.vendors.product_csv import COLUMNS

from ..factories import DEFAULT_PASSWORD, make_cooperative, make_product, make_user
from .test_products import product_data, staff  # noqa: F401 (staff: a fixture, signed in, category "na")

EXPORT, IMPORT, APPLY = "/vendor/products/export.csv", "/vendor/products/import", "/vendor/products/import/apply"
RESULT = re.compile(r'<tr class="import-(?P<action>[a-z]+)">\s*<th scope="row">(?P<number>\d+)</th>\s*'
                    r'<td>(?P<sku>[^<]*)</td>(?P<said>.*?)</tr>', re.S)


def listed(cooperative, sku: str, name: str, *, status=ProductStatus.PUBLISHED) -> Product:
    product = make_product(cooperative, name=name, status=status)  # 85,000 đồng, 50 in stock
    product.sku, product.weight_grams = sku, 1100
    db.session.commit()
    return product


def product(sku: str, cooperative) -> Product:
    db.session.expire_all()
    return db.session.scalar(select(Product).where(Product.sku == sku, Product.cooperative_id == cooperative.id))


def exported(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(EXPORT).data.decode("utf-8-sig"), newline="")))


def edited(rows: list[dict], sku: str, **changes) -> list[dict]:
    return [{**row, **changes} if row["sku"] == sku else row for row in rows]


def csv_of(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def check(client, content):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(IMPORT, data={"file": (io.BytesIO(data), "san-pham.csv")}, content_type="multipart/form-data")


def confirmation_of(response) -> str:
    return re.search(r'name="confirmation" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def confirm(client, checked):
    return client.post(APPLY, data={"confirmation": confirmation_of(checked)})


def results(response) -> dict[int, tuple[str, str, str]]:
    """Row number -> (action, SKU, what the dry run says of the row)."""
    return {int(m["number"]): (m["action"], m["sku"], m["said"])
            for m in RESULT.finditer(response.get_data(as_text=True))}


def by_sku(response) -> dict[str, tuple[str, str]]:
    """SKU -> (action, what the dry run says of its row)."""
    return {sku: (action, said) for action, sku, said in results(response).values()}


def actions(response) -> dict[str, str]:
    return {sku: action for sku, (action, _) in by_sku(response).items()}


def changed_columns(said: str) -> list[str]:
    return re.findall(r"<code>(\w+)</code>", said)


def snapshot() -> tuple:
    """Everything an import could write."""
    db.session.expire_all()
    listed_products = [(p.id, p.cooperative_id, p.sku, p.name, p.price, p.stock_quantity, p.status, p.updated_at)
                       for p in db.session.scalars(select(Product).order_by(Product.id))]
    return listed_products, db.session.scalar(select(func.count(StockMovement.id)))


def test_the_export_is_a_csv_for_excel_of_the_cooperatives_products_only(client, staff):
    mine = staff.membership.cooperative
    listed(mine, "NA-1", "Na Chi Lăng loại 1")
    listed(mine, "MO-1", "Mật ong rừng", status=ProductStatus.ARCHIVED)
    listed(make_cooperative(), "CHE-1", "Chè của hợp tác xã khác")
    response = client.get(EXPORT)
    assert response.status_code == 200 and response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="{mine.slug}-products-{vietnam_today().isoformat()}.csv"'
    assert response.data.startswith(b"\xef\xbb\xbfsku,name,category,")
    assert [(row["sku"], row["name"], row["status"], row["stock"], row["price"]) for row in exported(client)] == [
        ("MO-1", "Mật ong rừng", "archived", "50", "85000"), ("NA-1", "Na Chi Lăng loại 1", "published", "50", "85000")]


def test_reimporting_the_export_unchanged_changes_nothing(client, staff):
    listed(staff.membership.cooperative, "NA-1", "Na Chi Lăng")
    client.post("/vendor/products/new", data=product_data(sku="NA-2", name="Na loại 2", publish=""))
    before = snapshot()
    response = check(client, client.get(EXPORT).data)
    assert response.status_code == 200
    assert actions(response) == {"NA-1": "same", "NA-2": "same"}
    assert 'name="confirmation"' not in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_round_trip_with_a_new_price_and_stock_changes_exactly_those(client, staff):
    cooperative = staff.membership.cooperative
    listed(cooperative, "NA-1", "Na Chi Lăng")
    client.post("/vendor/products/new", data=product_data(sku="NA-2", name="Na loại 2"))  # with an OCOP certificate
    rows = edited(edited(exported(client), "NA-1", price="90000"), "NA-2", stock="42")
    before = snapshot()
    checked = check(client, csv_of(rows))
    assert checked.status_code == 200
    found = by_sku(checked)
    assert found["NA-1"][0] == "change" and changed_columns(found["NA-1"][1]) == ["price"]
    assert found["NA-2"][0] == "change" and changed_columns(found["NA-2"][1]) == ["stock"]
    assert "0 → 42" in found["NA-2"][1]
    assert snapshot() == before  # the dry run wrote nothing

    assert confirm(client, checked).status_code == 302
    first, second = product("NA-1", cooperative), product("NA-2", cooperative)
    assert (first.price, first.stock_quantity, second.price, second.stock_quantity) == (90000, 50, 85000, 42)
    assert [(c.kind, c.ocop_stars, c.certificate_number) for c in second.certifications] == [
        (CertificationKind.OCOP, 4, "OCOP-LS-1")]
    movements = db.session.scalars(select(StockMovement)).all()
    assert [(m.product_id, m.quantity, m.reason, m.user_id) for m in movements] == [
        (second.id, 42, MovementReason.CORRECTION, staff.id)]
    assert set(actions(check(client, client.get(EXPORT).data)).values()) == {"same"}


def test_a_new_sku_adds_a_product(client, staff):
    cooperative = staff.membership.cooperative
    checked = check(client, "sku,name,category,unit,price,weight_grams,origin_ward_code,season,status,stock,"
                            "description\r\n"
                            'MO-1,Mật ong rừng Hữu Lũng,na,chai,250000,700,6463,3 4,published,12,'
                            '"Mật ong nguyên chất.\n\nKhai thác tự nhiên."\r\n')
    assert checked.status_code == 200 and results(checked) == {2: ("create", "MO-1", results(checked)[2][2])}
    assert confirm(client, checked).status_code == 302
    honey = product("MO-1", cooperative)
    assert (honey.name, honey.category.slug, honey.unit, honey.price, honey.weight_grams, honey.season_months) == (
        "Mật ong rừng Hữu Lũng", "na", "chai", 250000, 700, 0b1100)
    assert (honey.status, honey.stock_quantity, honey.min_order_quantity, honey.low_stock_threshold) == (
        ProductStatus.PUBLISHED, 12, 1, 5)
    assert [(m.quantity, m.reason) for m in db.session.scalars(select(StockMovement))] == [
        (12, MovementReason.CORRECTION)]
    assert client.get(f"/products/{honey.slug}").status_code == 200
    assert "Mật ong rừng Hữu Lũng" in client.get("/products?q=mat+ong+huu+lung").get_data(as_text=True)  # indexed


def test_every_row_error_is_reported_with_its_row_number_and_reason(client, staff):
    listed(staff.membership.cooperative, "NA-1", "Na Chi Lăng")
    before = snapshot()
    response = check(client, "sku,name,category,unit,price,weight_grams,origin_ward_code,stock\r\n"
                             "NA-1,Na Chi Lăng,na,kg,0,1100,6463,10\r\n"
                             "MO-1,Mật ong,khong-co,chai,250000,700,6463,\r\n"
                             "CHE-1,Chè,na,gói,50000,100,26734,\r\n"
                             "NA-1,Na trùng mã,na,kg,90000,1100,6463,\r\n"
                             ",Không có mã,na,kg,1000,100,6463,\r\n"
                             "GA-1,Gà đồi,na,con,1.5,2000,6463,-3\r\n"
                             "BI-1,Bí đỏ,na,quả,20000,1500,6463,5\r\n")
    assert response.status_code == 422
    found = results(response)
    assert {number: (action, sku) for number, (action, sku, _) in found.items()} == {
        2: ("error", "NA-1"), 3: ("error", "MO-1"), 4: ("error", "CHE-1"), 5: ("error", "NA-1"), 6: ("error", ""),
        7: ("error", "GA-1"), 8: ("create", "BI-1")}
    said = {number: row[2] for number, row in found.items()}
    assert "<code>price</code>: Nhập số nguyên từ 1 đến 1000000000." in said[2]
    assert "<code>category</code>: Chọn danh mục trong danh sách." in said[3]
    assert "<code>origin_ward_code</code>: Chọn một xã hoặc phường của tỉnh đã chọn." in said[4]
    assert re.search(r'<ul class="error">\s*<li>[^<]*\b2\b', said[5])  # the SKU is also on row 2
    assert re.search(r'<ul class="error">\s*<li>[^<]+</li>', said[6])  # no SKU
    assert "<code>price</code>: Nhập số nguyên từ 1 đến 1000000000." in said[7]
    assert "<code>stock</code>: Nhập số nguyên từ 0 đến 100000." in said[7]
    assert 'name="confirmation"' not in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize("content", [
    b"",
    b"sku,name,category,unit,price\r\n",
    "sku,name,category\r\nNA-1,Na Chi Lăng,na\r\n".encode(),
    "sku,name,category,unit,price\r\nNA-1,Na Chi Lăng,na,kg,85000\r\n".encode("cp1258"),
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ("sku,name,category,unit,price\r\n" + "".join(f"NA-{n},Na,na,kg,1000\r\n" for n in range(2001))).encode(),
], ids=["empty", "header only", "missing columns", "not UTF-8", "not text", "too many rows"])
def test_a_file_that_cannot_be_used_is_refused_with_its_reason(client, staff, content):
    listed(staff.membership.cooperative, "NA-1", "Na Chi Lăng")
    before = snapshot()
    response = check(client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and '<p class="form-error" role="alert">' in page
    assert results(response) == {} and 'name="confirmation"' not in page
    assert snapshot() == before


def test_the_missing_columns_are_named_and_a_missing_file_is_asked_for(client, staff):
    response = check(client, "sku,name,category\r\nNA-1,Na Chi Lăng,na\r\n")
    assert response.status_code == 422 and "unit, price" in response.get_data(as_text=True)
    response = client.post(IMPORT, data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and 'class="error"' in response.get_data(as_text=True)


def test_applying_writes_every_row_or_none(client, staff, monkeypatch):
    cooperative = staff.membership.cooperative
    listed(cooperative, "NA-1", "Na Chi Lăng")
    listed(cooperative, "MO-1", "Mật ong rừng")
    rows = edited(edited(exported(client), "NA-1", price="90000", stock="40"), "MO-1", stock="30")
    checked = check(client, csv_of(rows + [{"sku": "BI-1", "name": "Bí đỏ", "category": "na", "unit": "quả",
                                             "price": "20000", "weight_grams": "1500", "origin_ward_code": "6463",
                                             "status": "draft", "stock": "7"}]))
    before = snapshot()
    counts, real_set_stock = [], products.set_stock

    def set_stock_failing_the_third_time(*args, **kwargs):
        counts.append(args)
        if len(counts) == 3:  # as if an order took the last units right then
            raise InsufficientStock(args[1], 0)
        return real_set_stock(*args, **kwargs)

    monkeypatch.setattr(products, "set_stock", set_stock_failing_the_third_time)
    response = confirm(client, checked)
    assert response.status_code == 409 and len(counts) == 3
    assert snapshot() == before  # the new product and the first rows' changes are gone with the rest
    assert product("BI-1", cooperative) is None


def test_a_change_after_the_dry_run_stops_the_import_until_it_is_checked_again(client, staff):
    cooperative = staff.membership.cooperative
    honey = listed(cooperative, "NA-1", "Na Chi Lăng")
    checked = check(client, csv_of(edited(exported(client), "NA-1", price="90000", stock="45")))
    products.record_movement(cooperative.id, honey.id, -3, MovementReason.SPOILAGE, staff)  # meanwhile
    response = confirm(client, checked)
    assert response.status_code == 409
    assert (product("NA-1", cooperative).price, product("NA-1", cooperative).stock_quantity) == (85000, 47)
    assert "47 → 45" in by_sku(response)["NA-1"][1]  # the check again, with what the stock is now
    assert confirm(client, response).status_code == 302
    assert (product("NA-1", cooperative).price, product("NA-1", cooperative).stock_quantity) == (90000, 45)
    assert confirm(client, response).status_code == 409  # the same confirmation twice applies once


def test_a_tampered_expired_or_someone_elses_confirmation_is_refused(app, client, staff, monkeypatch):
    cooperative = staff.membership.cooperative
    listed(cooperative, "NA-1", "Na Chi Lăng")
    token = confirmation_of(check(client, csv_of(edited(exported(client), "NA-1", price="90000"))))
    before = snapshot()
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    for forged in (tampered, "", "not-a-confirmation", token.split(".", 1)[1]):
        response = client.post(APPLY, data={"confirmation": forged})
        assert response.status_code == 400 and 'id="file"' in response.get_data(as_text=True)
    owner = db.session.scalar(select(User).join(CooperativeMember).where(
        CooperativeMember.cooperative_id == cooperative.id, CooperativeMember.role == MemberRole.OWNER))
    stranger = make_user()
    make_cooperative(owner=stranger)
    for someone in (owner, stranger):  # a colleague, or another cooperative's owner
        other = app.test_client()
        other.post("/account/login", data={"email": someone.email, "password": DEFAULT_PASSWORD})
        assert other.post(APPLY, data={"confirmation": token}).status_code == 400
    monkeypatch.setattr(product_import, "CONFIRM_MAX_AGE_SECONDS", -1)
    assert client.post(APPLY, data={"confirmation": token}).status_code == 400
    assert snapshot() == before


def test_another_cooperatives_products_are_never_exported_or_touched(client, staff):
    mine, theirs = staff.membership.cooperative, make_cooperative(owner=make_user())
    listed(mine, "NA-1", "Na của chúng tôi")
    listed(theirs, "NA-1", "Na của họ")
    listed(theirs, "CHE-1", "Chè của họ")
    rows = exported(client)
    assert [row["name"] for row in rows] == ["Na của chúng tôi"]
    their_before = [(p.id, p.name, p.price, p.stock_quantity, p.updated_at) for p in db.session.scalars(
        select(Product).where(Product.cooperative_id == theirs.id).order_by(Product.id))]
    new = {"sku": "CHE-1", "name": "Chè Mẫu Sơn", "category": "na", "unit": "gói", "price": "60000",
           "weight_grams": "200", "origin_ward_code": "6463", "status": "draft", "stock": "9"}
    checked = check(client, csv_of(edited(rows, "NA-1", price="90000", stock="10") + [new]))
    assert actions(checked) == {"NA-1": "change", "CHE-1": "create"}
    assert confirm(client, checked).status_code == 302
    db.session.expire_all()
    assert [(p.id, p.name, p.price, p.stock_quantity, p.updated_at) for p in db.session.scalars(
        select(Product).where(Product.cooperative_id == theirs.id).order_by(Product.id))] == their_before
    assert (product("NA-1", mine).price, product("NA-1", mine).stock_quantity) == (90000, 10)
    assert product("CHE-1", mine).name == "Chè Mẫu Sơn" and product("CHE-1", theirs).name == "Chè của họ"


def test_an_excel_file_with_semicolons_and_a_byte_order_mark_works(client, staff):
    cooperative = staff.membership.cooperative
    listed(cooperative, "NA-1", "Na Chi Lăng")
    content = ("\ufeffsku;name;category;unit;price;weight_grams;origin_ward_code;stock;description\r\n"
               "NA-1;Na Chi Lăng;test-category;kg;88000;1100;6463;20;\r\n"
               'MO-1;Mật ong rừng;na;chai;250000;700;6463;5;"Ngọt; thơm"\r\n').encode("utf-8")
    checked = check(client, content)
    assert checked.status_code == 200
    found = results(checked)
    assert found[2][:2] == ("change", "NA-1") and changed_columns(found[2][2]) == ["price", "stock"]
    assert found[3][:2] == ("create", "MO-1")
    assert confirm(client, checked).status_code == 302
    assert (product("NA-1", cooperative).price, product("NA-1", cooperative).stock_quantity) == (88000, 20)
    assert (product("MO-1", cooperative).description, product("MO-1", cooperative).stock_quantity) == ("Ngọt; thơm", 5)


def test_columns_left_out_keep_each_products_values(client, staff):
    cooperative = staff.membership.cooperative
    client.post("/vendor/products/new", data=product_data())
    client.post(f"/vendor/products/{product('NA-1', cooperative).id}/count", data={"counted": "30"})
    checked = check(client, "sku,name,category,unit,price\r\nNA-1,Na Chi Lăng loại 1,na,kg,95000\r\n")
    assert checked.status_code == 200 and changed_columns(by_sku(checked)["NA-1"][1]) == ["price"]
    assert confirm(client, checked).status_code == 302
    kept = product("NA-1", cooperative)
    assert (kept.price, kept.stock_quantity, kept.weight_grams, kept.season_months, kept.status) == (
        95000, 30, 1100, 0b000111000000, ProductStatus.PUBLISHED)
    assert kept.description == "Na dai, ngọt.\n\nHái sáng." and len(kept.certifications) == 1


def test_archived_products_stay_archived_unless_published_again(client, staff):
    cooperative = staff.membership.cooperative
    listed(cooperative, "NA-0", "Na vụ trước", status=ProductStatus.ARCHIVED)
    listed(cooperative, "NA-1", "Na Chi Lăng")
    rows = exported(client)
    assert actions(check(client, csv_of(rows))) == {"NA-0": "same", "NA-1": "same"}
    response = check(client, csv_of(edited(edited(rows, "NA-0", status="draft"), "NA-1", status="archived")))
    assert response.status_code == 422
    assert all(action == "error" and "<code>status</code>:" in said for action, said in by_sku(response).values())
    checked = check(client, csv_of(edited(rows, "NA-0", status="published")))
    assert changed_columns(by_sku(checked)["NA-0"][1]) == ["status"]
    assert confirm(client, checked).status_code == 302
    assert product("NA-0", cooperative).status == ProductStatus.PUBLISHED


def test_the_import_page_documents_every_column_and_the_codes_to_write(client, staff):
    page = client.get(IMPORT).get_data(as_text=True)
    assert all(f"<code>{column}</code>" in page for column in COLUMNS)
    assert "<code>na</code>" in page and "<code>6463</code>" in page  # a category and a commune of the province
    assert page.count("<caption>") == 3 and '<label for="file">' in page
    products_page = client.get("/vendor/products").get_data(as_text=True)
    assert f'href="{IMPORT}"' in products_page and f'href="{EXPORT}"' in products_page


def test_a_pending_cooperative_has_no_import_or_export(client, auth):
    owner = make_user()
    make_cooperative(owner=owner, status=CooperativeStatus.PENDING)
    auth.login(owner.email)
    assert client.get(EXPORT).status_code == 403 and client.get(IMPORT).status_code == 403
    assert check(client, b"sku,name,category,unit,price\r\n").status_code == 403
    assert client.post(APPLY, data={"confirmation": "x"}).status_code == 403
