"""The product-list cache: answers repeated lists without the heavy queries, and never outlives
a change that alters what is listed, in this process or another one on the same database."""
import time

import pytest
from sqlalchemy import event

from marketplace.catalog.cache import ResultCache, current_version
from marketplace.catalog.search import reindex_products
from marketplace.database import write_intent
from marketplace.extensions import db
from marketplace.inventory import stock
from marketplace.inventory.models import MovementReason
from marketplace.models import Cooperative, CooperativeStatus, Product

from ..factories import DEFAULT_PASSWORD, make_cooperative, make_product, make_user


@pytest.fixture
def catalog(app):
    coop = make_cooperative()
    products = [make_product(coop, name=f"Gạo nếp {i}", price=10_000 * (i + 1)) for i in range(3)]
    reindex_products()
    db.session.commit()
    return coop, products


def slugs(client, url="/api/v1/products?sort=price_asc"):
    response = client.get(url)
    assert response.status_code == 200
    return [item["slug"] for item in response.get_json()["items"]]


@pytest.fixture
def statements(app):
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_a_repeated_list_skips_the_counting_queries_even_for_logged_in_visitors(client, catalog, statements):
    user = make_user()
    client.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    statements.clear()
    client.get("/products?q=gao")
    counted = sum("GROUP BY" in s for s in statements)
    assert sum("catalog_version" in s for s in statements) == 1  # read once per request
    statements.clear()
    again = client.get("/products?q=gao").get_data(as_text=True)
    assert counted == 1 and not any("GROUP BY" in s for s in statements)  # one grouped pass for all facets
    assert user.full_name in again and again.count('class="card product"') == 3  # rendered for this visitor


def test_a_price_change_reorders_at_once(client, catalog):
    _, products = catalog
    assert slugs(client) == [p.slug for p in products]
    version = current_version()
    db.session.get(Product, products[0].id).price = 90_000
    db.session.commit()
    assert current_version() == version + 1
    assert slugs(client) == [products[1].slug, products[2].slug, products[0].slug]


def test_a_stock_change_shows_at_once_on_the_cached_product_page(client, catalog):
    _, products = catalog
    url = f"/products/{products[0].slug}"
    assert "Hết hàng" not in client.get(url).get_data(as_text=True)
    db.session.get(Product, products[0].id).stock_quantity = 0
    db.session.commit()
    assert "Hết hàng" in client.get(url).get_data(as_text=True)


def test_an_anonymous_page_is_served_from_the_cache(client, catalog, statements):
    _, products = catalog
    url = f"/products/{products[0].slug}"
    first = client.get(url)
    statements.clear()
    again = client.get(url)
    assert again.get_data() == first.get_data() and again.headers["Content-Security-Policy"]
    queries = [s for s in statements if s.startswith("SELECT")]
    assert len(queries) == 1 and "catalog_version" in queries[0]


def test_pages_are_kept_apart_by_language(client, catalog):
    assert 'lang="vi"' in client.get("/products").get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert 'lang="en"' in client.get("/products").get_data(as_text=True)
    client.delete_cookie("lang")
    assert 'lang="vi"' in client.get("/products").get_data(as_text=True)


def test_a_logged_in_page_is_neither_served_from_nor_stored_in_the_cache(app, client, catalog):
    user = make_user(full_name="Đinh Thị Lan")
    anonymous = app.test_client()
    anonymous.get("/products")
    client.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert "Đinh Thị Lan" in client.get("/products").get_data(as_text=True)
    client.get("/products?q=gao")
    assert "Đinh Thị Lan" not in anonymous.get("/products?q=gao").get_data(as_text=True)


def test_another_process_suspending_a_cooperative_empties_the_list_at_once(client, catalog, make_app):
    coop, _ = catalog
    assert len(slugs(client)) == 3
    other_worker = make_app()
    with other_worker.app_context():
        db.session.get(Cooperative, coop.id).status = CooperativeStatus.SUSPENDED
        db.session.commit()
    assert slugs(client) == []


def test_a_rolled_back_change_does_not_bump_the_version(app, catalog):
    _, products = catalog
    version = current_version()
    db.session.get(Product, products[0].id).name = "Gạo tẻ"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert current_version() == version


def test_entries_expire_and_the_cache_stays_bounded():
    calls = []
    cache = ResultCache(seconds=0.05, entries=2)

    def compute(value):
        calls.append(value)
        return value

    assert cache.get_or_compute("a", 1, lambda: compute("a")) == "a"
    cache.get_or_compute("a", 1, lambda: compute("a"))
    cache.get_or_compute("a", 2, lambda: compute("a"))  # new version: computed again
    assert calls == ["a", "a"]
    time.sleep(0.06)
    cache.get_or_compute("a", 2, lambda: compute("a"))  # expired
    cache.get_or_compute("b", 2, lambda: compute("b"))
    cache.get_or_compute("c", 2, lambda: compute("c"))  # "a" is evicted: two entries at most
    cache.get_or_compute("a", 2, lambda: compute("a"))
    assert calls == ["a", "a", "a", "b", "c", "a"]
    assert ResultCache(seconds=0, entries=2).get_or_compute("x", 1, lambda: compute("x")) == "x"


@pytest.mark.parametrize("stock_before, taken, bumped", [
    (500, 3, False),  # among plenty a sale shows nowhere: the cached pages stay
    (12, 3, True),    # "only 9 left" appears
    (5, 5, True),     # sold out
])
def test_a_sale_refreshes_the_cached_pages_only_when_it_shows(app, catalog, stock_before, taken, bumped):
    _, products = catalog
    product = db.session.get(Product, products[0].id)
    product.stock_quantity = stock_before
    db.session.commit()
    version = current_version()
    with write_intent():
        stock.move(product.id, -taken, MovementReason.SALE)
        db.session.commit()
    assert current_version() == version + bumped
    assert db.session.get(Product, product.id).sold_count == taken
