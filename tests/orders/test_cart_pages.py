"""The cart through real requests: adding from the product page, its rules, and keeping it at login."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CartItem, Product, ProductStatus

from ..factories import make_cooperative, make_product, make_user

SAME_SITE = {"Origin": "http://localhost"}


@pytest.fixture
def shop(app):
    na_coop = make_cooperative(name="HTX Na Chi Lăng")
    na_coop.shipping_flat_fee, na_coop.shipping_fee_per_kg = 20_000, 5_000
    honey_coop = make_cooperative(name="HTX Quảng Hồng")
    na = make_product(na_coop, name="Na Chi Lăng", price=85_000, stock=20)
    na.weight_grams, na.min_order_quantity, na.max_order_quantity = 1_100, 2, 10
    honey = make_product(honey_coop, name="Mật ong rừng", price=180_000, stock=3)
    db.session.commit()
    return {"na": na, "honey": honey}


def add(client, product, quantity, headers=SAME_SITE):
    return client.post("/cart/items", data={"product": product.id, "quantity": quantity}, headers=headers)


def test_a_guest_adds_from_two_cooperatives_and_sees_one_group_each(client, shop):
    page = client.get(f"/products/{shop['na'].slug}")
    html = page.get_data(as_text=True)
    assert 'action="/cart/items"' in html and 'name="csrf_token"' not in html and "Set-Cookie" not in page.headers
    assert add(client, shop["na"], 3).status_code == 303
    assert add(client, shop["honey"], 1).status_code == 303
    html = client.get("/cart").get_data(as_text=True)
    assert html.index("HTX Na Chi Lăng") < html.index("HTX Quảng Hồng")
    group = html[html.index("HTX Na Chi Lăng"):html.index("HTX Quảng Hồng")]
    assert "255.000" in group and "40.000" in group, group  # 3.3 kg: 20,000 + 4 started kg x 5,000
    assert "180.000" in html


def test_with_csrf_on_a_post_needs_this_sites_origin_or_the_sessions_token(make_app, shop):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert add(client, shop["na"], 2, headers={}).status_code == 400
    assert add(client, shop["na"], 2, headers={"Origin": "https://evil.example"}).status_code == 400
    assert add(client, shop["na"], 2, headers={"Referer": "http://localhost/products/na"}).status_code == 303
    page = client.get(f"/products/{shop['na'].slug}").get_data(as_text=True)  # now with a session
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert add(client, shop["na"], 2, headers={"Origin": "https://evil.example"}).status_code == 400
    response = client.post("/cart/items", data={"product": shop["na"].id, "quantity": 2, "csrf_token": token})
    assert response.status_code == 303
    assert 'value="4"' in client.get("/cart").get_data(as_text=True)


@pytest.mark.parametrize("product, quantity, message", [
    ("na", 1, "Na Chi Lăng được bán từ 2 đơn vị mỗi lần."),
    ("na", 11, "Bạn chỉ đặt được tối đa 10 Na Chi Lăng mỗi lần."),
    ("honey", 4, "Mật ong rừng chỉ còn 3."),
])
def test_quantity_rules_say_how_many(client, shop, product, quantity, message):
    response = add(client, shop[product], quantity)
    assert response.status_code == 303
    assert message in client.get("/cart").get_data(as_text=True)


def test_hidden_products_cannot_be_added(client, shop):
    shop["honey"].status = ProductStatus.DRAFT
    db.session.commit()
    add(client, shop["honey"], 1)
    assert "không đặt được" in client.get("/cart").get_data(as_text=True)
    assert client.post("/cart/items", data={"product": "abc", "quantity": "-1"}, headers=SAME_SITE).status_code == 303


def test_quantities_change_and_lines_go_and_price_changes_show(client, shop):
    add(client, shop["na"], 2)
    client.post(f"/cart/items/{shop['na'].id}", data={"quantity": "4"})
    assert 'value="4"' in client.get("/cart").get_data(as_text=True)
    db.session.get(Product, shop["na"].id).price = 90_000
    db.session.commit()
    assert "Giá đã thay đổi từ khi bạn thêm vào giỏ: trước đây là 85.000" in client.get("/cart").get_data(as_text=True)
    client.post(f"/cart/items/{shop['na'].id}/delete")
    assert "Giỏ hàng của bạn đang trống." in client.get("/cart").get_data(as_text=True)
    assert client.post("/cart/items/999/delete").status_code == 404


def test_the_guest_cart_joins_the_saved_cart_at_login(client, auth, shop):
    buyer = make_user(email="mai@example.com")
    db.session.add(CartItem(user_id=buyer.id, product_id=shop["na"].id, quantity=2, price_when_added=85_000))
    db.session.commit()
    add(client, shop["na"], 2)
    add(client, shop["honey"], 1)
    auth.login(buyer.email)
    saved = {item.product_id: item.quantity for item in db.session.scalars(select(CartItem))}
    assert saved == {shop["na"].id: 4, shop["honey"].id: 1}
    add(client, shop["honey"], 1)
    assert {item.product_id: item.quantity for item in db.session.scalars(select(CartItem))}[shop["honey"].id] == 2


def test_the_product_list_has_a_form_per_product_on_sale_that_adds_its_minimum(client, shop, auth):
    shop["honey"].stock_quantity = 0
    db.session.commit()
    page = client.get("/products")
    html = page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers and 'name="csrf_token"' not in html  # still cacheable
    forms = [form for form in html.split('<form method="post" action="/cart/items"')[1:]]
    assert len(forms) == 1 and f'name="product" value="{shop["na"].id}"' in forms[0]
    assert 'name="quantity" value="2"' in forms[0]  # the minimum of na
    assert add(client, shop["na"], 2, headers={"Referer": "http://localhost/products"}).status_code == 303

    buyer = make_user()
    auth.login(buyer.email)
    html = client.get("/products").get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/cart/items", data={"product": shop["na"].id, "quantity": 2, "csrf_token": token})
    assert response.status_code == 303
    assert db.session.scalar(select(CartItem.quantity).where(CartItem.user_id == buyer.id)) == 4  # 2 merged at login
