"""Many buyers at once, each on a connection of its own: no unit is ever sold twice, and one
checkout form submitted twice at once places one order (PostgreSQL, real concurrency)."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.orders import cart, placement
from marketplace.orders.models import Order, OrderLine, PaymentMethod
from marketplace.orders.placement import Checkout, PlacementRefused

from ..factories import make_cooperative, make_delivery, make_product

pytestmark = pytest.mark.postgres

BUYERS, STOCK, PRICE = 50, 10, 85_000
DELIVERY = make_delivery()


@pytest.fixture
def app(make_app):
    """Enough pooled connections that no buyer waits for another's to be free."""
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": BUYERS + 2, "max_overflow": 0})
    with app.app_context():
        yield app


@pytest.fixture
def last_units(app) -> Product:
    return make_product(make_cooperative(), price=PRICE, stock=STOCK)


def all_at_once(count: int, attempt) -> list:
    """attempt(n) for n in range(count), each in its own thread, released together by a barrier."""
    start = threading.Barrier(count, timeout=30)

    def run(n: int):
        start.wait()
        return attempt(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def buy_one(app, product_id: int, token: str) -> tuple:
    """("placed", order id) or ("refused", kind, limit), placed through the app's own session."""
    with app.app_context():
        try:
            order = placement.place_order(Checkout(token, DELIVERY, PaymentMethod.COD), {product_id: (1, PRICE)})
            return ("placed", order.id)
        except PlacementRefused as refused:
            return ("refused", refused.problem.kind, refused.problem.limit)
        finally:
            db.session.remove()


def sale_movements(product_id: int) -> tuple[int, int]:
    """How many sale movements the product has, and the sum of their quantities."""
    return tuple(db.session.execute(
        select(func.count(StockMovement.id), func.coalesce(func.sum(StockMovement.quantity), 0))
        .where(StockMovement.product_id == product_id, StockMovement.reason == MovementReason.SALE)).one())


def assert_exactly_the_stock_was_sold(product_id: int) -> None:
    """STOCK orders of one unit, stock at 0, one sale movement per order summing to the stock taken."""
    db.session.commit()  # end the test's read snapshot
    product = db.session.get(Product, product_id)
    assert (product.stock_quantity, product.sold_count) == (0, STOCK)
    assert db.session.scalar(select(func.count(Order.id))) == STOCK
    assert db.session.scalar(select(func.sum(OrderLine.quantity)).where(OrderLine.product_id == product_id)) == STOCK
    assert sale_movements(product_id) == (STOCK, -STOCK)


def test_fifty_buyers_race_for_ten_units_and_exactly_ten_are_sold(app, last_units):
    product_id = last_units.id
    outcomes = all_at_once(BUYERS, lambda n: buy_one(app, product_id, f"race-{n}"))

    placed = [o for o in outcomes if o[0] == "placed"]
    assert len(placed) == STOCK and len({order_id for _, order_id in placed}) == STOCK
    assert [o for o in outcomes if o[0] == "refused"] == [("refused", cart.NOT_ENOUGH_STOCK, 0)] * (BUYERS - STOCK)
    assert_exactly_the_stock_was_sold(product_id)


def test_the_same_checkout_submitted_twice_at_once_places_one_order(app, last_units):
    product_id = last_units.id
    outcomes = all_at_once(2, lambda _: buy_one(app, product_id, "double-click"))

    (first, first_id), (second, second_id) = outcomes
    assert first == second == "placed" and first_id == second_id
    db.session.commit()
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert db.session.get(Product, product_id).stock_quantity == STOCK - 1
    assert sale_movements(product_id) == (1, -1)


# --- the same race through real HTTP -----------------------------------------------------

CHECKOUT_FORM = {"full_name": "Nguyễn Thị Mai", "phone": "0912345678", "email": "mai@example.com",
                 "province": "20", "ward": "6463", "address_line": "12 Lê Lợi", "note": "",
                 "payment_method": "cod", "invoice_type": "none"}


def guest_at_checkout(base_url: str, product_id: int) -> tuple[requests.Session, dict[str, str]]:
    """A new guest (reading English) with one unit in the cart, and the checkout form's hidden tokens."""
    guest = requests.Session()
    guest.cookies.set("lang", "en")
    added = guest.post(f"{base_url}/cart/items", data={"product": product_id, "quantity": 1},
                       allow_redirects=False, timeout=60)
    assert added.status_code == 303 and added.headers["Location"].endswith("/cart")
    page = guest.get(f"{base_url}/checkout", timeout=60)
    assert page.status_code == 200
    tokens = dict(re.findall(r'name="(checkout_token|csrf_token)"[^>]*value="([^"]*)"', page.text))
    assert tokens.get("checkout_token")
    return guest, tokens


def test_fifty_guests_race_over_http_and_the_forty_late_ones_are_told_it_is_sold_out(live_server, last_units):
    guests = [guest_at_checkout(live_server.url, last_units.id) for _ in range(BUYERS)]

    def submit(n: int) -> requests.Response:
        guest, tokens = guests[n]
        return guest.post(f"{live_server.url}/checkout", data={**CHECKOUT_FORM, **tokens},
                          allow_redirects=False, timeout=60)

    answers = all_at_once(BUYERS, submit)

    placed = [answer for answer in answers if answer.status_code == 303]
    refused = [answer for answer in answers if answer.status_code == 422]
    assert (len(placed), len(refused)) == (STOCK, BUYERS - STOCK)
    assert len({answer.headers["Location"] for answer in placed}) == STOCK
    assert all("/orders/CHX-" in answer.headers["Location"] for answer in placed)
    assert all("Na Chi Lăng is sold out." in answer.text for answer in refused)
    assert_exactly_the_stock_was_sold(last_units.id)


def test_a_double_click_on_place_order_places_one_order_and_both_clicks_land_on_it(live_server, last_units):
    guest, tokens = guest_at_checkout(live_server.url, last_units.id)
    answers = all_at_once(2, lambda _: guest.post(f"{live_server.url}/checkout", data={**CHECKOUT_FORM, **tokens},
                                                  allow_redirects=False, timeout=60))

    assert [answer.status_code for answer in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    db.session.commit()
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert sale_movements(last_units.id) == (1, -1)
