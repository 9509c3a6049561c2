"""/checkout through real requests: the cart priced for the address, the form's checks, placing
one order per submission, and what the buyer sees when a product ran out meanwhile."""
import re

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CartItem, Product
from marketplace.orders.models import Order, SavedAddress, VendorOrder

from ..factories import make_cooperative, make_product, make_user, valid_tax_code

SAME_SITE = {"Origin": "http://localhost"}
HANOI_WARD = 4  # Phường Ba Đình, Hà Nội
VALID = {"full_name": "Nguyễn Thị Mai", "phone": "0912 345 678", "email": "", "province": "20", "ward": "6463",
         "address_line": "12 Lê Lợi", "note": "", "payment_method": "cod", "invoice_type": "none"}


@pytest.fixture
def shop(app):
    na_coop = make_cooperative(name="HTX Na Chi Lăng")
    na_coop.shipping_flat_fee, na_coop.shipping_fee_per_kg = 20_000, 5_000
    honey_coop = make_cooperative(name="HTX Quảng Hồng")
    honey_coop.shipping_flat_fee, honey_coop.in_province_flat_fee = 30_000, 12_000
    na = make_product(na_coop, name="Na Chi Lăng", price=85_000, stock=20)
    na.weight_grams = 1_000
    honey = make_product(honey_coop, name="Mật ong rừng", price=180_000, stock=3)
    db.session.commit()
    return {"na": na, "honey": honey}


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def add(client, product, quantity):
    assert client.post("/cart/items", data={"product": product.id, "quantity": quantity},
                       headers=SAME_SITE).status_code == 303


def token_of(html: str) -> str:
    return re.search(r'name="checkout_token" type="hidden" value="([^"]+)"', html).group(1)


def checkout_form(client, **changes) -> dict:
    page = client.get("/checkout")
    assert page.status_code == 200
    return {**VALID, "checkout_token": token_of(page.get_data(as_text=True)), **changes}


def order_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def test_checkout_shows_each_cooperative_with_its_shipping_for_the_chosen_province(english, shop):
    add(english, shop["na"], 3)
    add(english, shop["honey"], 1)
    html = english.get("/checkout").get_data(as_text=True)
    assert html.index("HTX Na Chi Lăng") < html.index("HTX Quảng Hồng")
    na_part, honey_part = html.split("HTX Quảng Hồng", 1)
    assert "255,000" in na_part and "35,000" in na_part  # 3 kg: 20,000 + 3 × 5,000
    assert "12,000" in honey_part.split("</section>")[0]  # Lạng Sơn, the honey cooperative's own province
    assert "₫482,000" in html  # 255,000 + 35,000 + 180,000 + 12,000

    # Without JavaScript: another province, then the button that lists its wards and reprices.
    response = english.post("/checkout", data={**checkout_form(english), "province": "1", "ward": "6463",
                                               "choose_province": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Phường Ba Đình" in html and 'value="12 Lê Lợi"' in html
    assert "30,000" in html.split("HTX Quảng Hồng", 1)[1].split("</section>")[0]
    assert "₫500,000" in html and order_count() == 0


def test_an_empty_cart_is_sent_back_to_the_cart(client, shop):
    response = client.get("/checkout")
    assert response.status_code == 303 and response.headers["Location"] == "/cart"


@pytest.mark.parametrize("changes, message, kept", [
    ({"phone": "12345"}, "Enter a Vietnamese mobile number", 'value="12345"'),
    ({"ward": str(HANOI_WARD)}, "Choose a commune or ward of the chosen province.", 'value="12 Lê Lợi"'),
    ({"full_name": ""}, "Please fill in this field.", 'value="12 Lê Lợi"'),
    ({"address_line": ""}, "Please fill in this field.", 'value="Nguyễn Thị Mai"'),
    ({"invoice_type": "personal"}, "Please fill in this field.", 'checked id="invoice_type-1"'),
    ({"invoice_type": "company", "email": "mai@example.com", "invoice_name": "Công ty Hoa Mai",
      "invoice_address": "1 Lê Lợi", "invoice_tax_code": valid_tax_code(3)[:9] + str((int(valid_tax_code(3)[9]) + 1) % 10)},
     "This is not a valid tax code", 'value="Công ty Hoa Mai"'),
    ({"invoice_type": "company", "email": "mai@example.com"}, "Please fill in this field.", 'value="mai@example.com"'),
    ({"payment_method": "card"}, "Choose a payment method from the list.", 'value="12 Lê Lợi"'),
    ({"email": "not-an-email"}, "Enter a valid email address", 'value="not-an-email"'),
])
def test_invalid_input_is_refused_with_a_message_keeping_what_was_typed(english, shop, changes, message, kept):
    add(english, shop["na"], 2)
    form = checkout_form(english, **changes)
    response = english.post("/checkout", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and kept in html
    assert token_of(html) == form["checkout_token"]
    assert order_count() == 0


def test_a_company_invoice_with_a_valid_tax_code_is_placed_with_the_order(client, shop):
    add(client, shop["na"], 1)
    response = client.post("/checkout", data=checkout_form(
        client, invoice_type="company", email="mai@example.com", invoice_name="Công ty Hoa Mai",
        invoice_tax_code=valid_tax_code(3), invoice_address="1 Lê Lợi"))
    assert response.status_code == 303
    order = db.session.scalar(select(Order))
    assert (order.invoice_type.value, order.invoice_tax_code, order.invoice_email) == \
        ("company", valid_tax_code(3), "mai@example.com")


def test_a_guest_places_one_order_split_by_cooperative_and_lands_on_its_signed_page(english, shop):
    add(english, shop["na"], 2)
    add(english, shop["honey"], 1)
    response = english.post("/checkout", data=checkout_form(english, email="mai@example.com"))

    assert response.status_code == 303
    order = db.session.scalar(select(Order))
    assert re.fullmatch(rf"/orders/{order.number}\?key=[\w.-]+", response.headers["Location"])
    assert len(order.vendor_orders) == 2 and order.buyer_id is None
    assert (order.phone, order.total) == ("+84912345678", 2 * 85_000 + 30_000 + 180_000 + 12_000)
    html = english.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Thank you, your order {order.number} is placed." in html
    assert f"http://localhost{response.headers['Location']}" in html  # the link, in full, to keep
    assert "Thank you" not in english.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your cart is empty" in english.get("/cart").get_data(as_text=True)


def test_the_same_form_submitted_twice_places_one_order_and_both_lead_to_it(client, shop, outbox):
    add(client, shop["honey"], 2)
    form = checkout_form(client, email="mai@example.com")
    first = client.post("/checkout", data=form)
    again = client.post("/checkout", data=form)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert order_count() == 1 and db.session.scalar(select(func.count()).select_from(VendorOrder)) == 1
    assert db.session.get(Product, shop["honey"].id).stock_quantity == 1
    assert [m["To"] for m in outbox].count("mai@example.com") == 1


def test_a_product_sold_out_meanwhile_is_named_with_how_many_are_left_and_nothing_is_placed(english, shop):
    add(english, shop["na"], 2)
    add(english, shop["honey"], 3)
    form = checkout_form(english)
    db.session.get(Product, shop["honey"].id).stock_quantity = 1  # another buyer was quicker
    db.session.commit()

    response = english.post("/checkout", data=form)
    assert response.status_code == 422
    assert "Only 1 of Mật ong rừng left." in response.get_data(as_text=True)
    assert order_count() == 0
    db.session.expire_all()
    assert (db.session.get(Product, shop["na"].id).stock_quantity,
            db.session.get(Product, shop["honey"].id).stock_quantity) == (20, 1)


def test_an_expired_or_missing_token_asks_again_with_a_fresh_one(english, shop):
    add(english, shop["na"], 2)
    response = english.post("/checkout", data={**VALID, "checkout_token": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "This form has expired" in html
    assert len(token_of(html)) >= 16 and order_count() == 0


def test_the_form_carries_its_csrf_token_and_one_time_token(make_app, shop):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    client.post("/cart/items", data={"product": shop["na"].id, "quantity": 1}, headers=SAME_SITE)
    html = client.get("/checkout").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/checkout", data={**VALID, "checkout_token": token_of(html)}).status_code == 400
    response = client.post("/checkout", data={**VALID, "checkout_token": token_of(html), "csrf_token": csrf})
    assert response.status_code == 303 and order_count() == 1


def _login(client, user):
    assert client.post("/account/login", data={"email": user.email, "password": "hoa-mai-2026"}).status_code == 302


def test_a_logged_in_buyer_gets_their_details_filled_in_and_can_save_the_address(client, shop):
    buyer = make_user(email="lan@example.com", full_name="Vi Thị Lan", phone="+84388123456")
    _login(client, buyer)
    add(client, shop["na"], 2)
    html = client.get("/checkout").get_data(as_text=True)
    assert 'value="Vi Thị Lan"' in html and 'value="lan@example.com"' in html and 'value="0388 123 456"' in html

    response = client.post("/checkout", data=checkout_form(client, save_address="y", full_name="Vi Thị Lan"))
    order = db.session.scalar(select(Order))
    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{order.number}"
    assert order.buyer_id == buyer.id
    assert db.session.scalar(select(func.count()).select_from(CartItem)) == 0
    address = db.session.scalar(select(SavedAddress))
    assert (address.user_id, address.address_line, address.ward_code) == (buyer.id, "12 Lê Lợi", 6463)


def test_a_saved_address_fills_the_form_and_someone_elses_is_not_found(client, shop):
    buyer, other = make_user(), make_user()
    mine = SavedAddress(user_id=buyer.id, full_name="Hoàng Văn Nam", phone="+84988111222", province_code=1,
                        ward_code=HANOI_WARD, address_line="5 Phan Đình Phùng")
    theirs = SavedAddress(user_id=other.id, full_name="Người khác", phone="+84988111333", province_code=20,
                          ward_code=6463, address_line="9 Bà Triệu")
    db.session.add_all([mine, theirs])
    db.session.commit()
    _login(client, buyer)
    add(client, shop["na"], 2)

    html = client.get("/checkout").get_data(as_text=True)
    assert "5 Phan Đình Phùng" in html and "9 Bà Triệu" not in html
    html = client.get(f"/checkout?address={mine.id}").get_data(as_text=True)
    assert 'value="5 Phan Đình Phùng"' in html and 'value="0988 111 222"' in html
    assert f'<option selected value="{HANOI_WARD}">' in html
    assert client.get(f"/checkout?address={theirs.id}").status_code == 404
    assert client.get("/checkout?address=99999999999").status_code == 404
