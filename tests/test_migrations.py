"""Migrations build the schema from empty, match the models, and go down and up again."""
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace import create_app
from marketplace.catalog.search import include_in_autogenerate
from marketplace.extensions import db

from .conftest import app_config, dispose_database, new_database_url


def _check_migrations(url: str) -> None:
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": include_in_autogenerate}), db.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == [], diff
        assert {"users", "cooperatives", "products", "password_reset_tokens", "product_search_documents"} <= tables
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_migrations_run_on_sqlite():
    with tempfile.TemporaryDirectory() as tmp:
        _check_migrations(f"sqlite:///{Path(tmp) / 'm.db'}")


@pytest.mark.postgres
def test_migrations_run_on_postgresql():
    url = new_database_url(Path(tempfile.gettempdir()))
    try:
        _check_migrations(url)
    finally:
        dispose_database(url)


@contextmanager
def _upgraded_from(revision: str):
    """A fresh database migrated up to `revision` holding a cooperative and a category (as revision
    0001 made them). Yields a function that runs SQL in it: the test inserts its rows, then calls
    `upgrade()` and reads them back with the same function."""
    with tempfile.TemporaryDirectory() as tmp:
        url = new_database_url(Path(tmp))
        app = create_app(app_config(url))
        try:
            with app.app_context():
                upgrade(revision=revision)

                def run(sql: str, params=None) -> list[tuple]:
                    with db.engine.begin() as conn:
                        result = conn.execute(text(sql), params or {})
                        return [tuple(row) for row in result] if result.returns_rows else []

                run("INSERT INTO cooperatives (id, slug, name, legal_name, tax_code, status, province_code, "
                    "ward_code, street_address, description, created_at) VALUES (1, 'htx', 'HTX', 'HTX', "
                    "'4901234561', 'approved', 20, 6463, '', '', '2026-01-01 00:00:00')")
                run("INSERT INTO categories (id, slug, name_vi, name_en, position) VALUES (1, 'na', 'Na', 'Na', 0)")
                yield run
                db.engine.dispose()
        finally:
            dispose_database(url)


PRODUCT = ("INSERT INTO products (id, cooperative_id, category_id, slug, name, description, unit, price, status, "
           "origin_ward_code, origin_province_code, season_months, stock_quantity, sold_count, created_at) "
           "VALUES (:id, 1, 1, :slug, 'Na', '', 'kg', 85000, 'published', 6463, 20, 0, :stock, 0, "
           "'2026-01-01 00:00:00')")


def test_upgrading_a_database_with_products_fills_the_new_columns():
    """A database made before revision 0002 (e.g. by an earlier `make run`) upgrades with its data."""
    with _upgraded_from("0001") as run:
        run("INSERT INTO products (id, cooperative_id, category_id, slug, name, description, unit, price, status, "
            "created_at) VALUES (1, 1, 1, 'na', 'Na', '', 'kg', 85000, 'published', '2026-01-01 00:00:00')")
        upgrade()
        assert run("SELECT origin_ward_code, origin_province_code, stock_quantity, published_at IS NOT NULL "
                   "FROM products") == [(6463, 20, 0, True)]


def test_upgrading_copies_each_products_certificate_validity():
    """Revision 0007 fills the products' copy of their certificates' validity from the certificates."""
    with _upgraded_from("0006") as run:
        for product_id in (1, 2):
            run(PRODUCT, {"id": product_id, "slug": f"na-{product_id}", "stock": 0})
        run("INSERT INTO product_certifications (product_id, kind, ocop_stars, certificate_number, expires_on) "
            "VALUES (1, 'ocop', 4, 'O-1', '2030-06-30'), (1, 'organic', NULL, 'H-1', NULL)")
        upgrade()
        rows = run("SELECT id, ocop_valid_until, vietgap_valid_until, organic_valid_until FROM products ORDER BY id")
        assert [tuple(str(v) if v else v for v in row) for row in rows] == [
            ("1", "2030-06-30", None, "9999-12-31"), ("2", None, None, None)]


def test_upgrading_to_listings_keeps_products_and_opens_their_stock():
    """Revision 0012 adds the listing columns in place (no rebuild that would cascade to search
    documents) and records each product's stock as an opening movement."""
    with _upgraded_from("0011") as run:
        run(PRODUCT, {"id": 1, "slug": "na", "stock": 7})
        run("INSERT INTO product_search_documents (product_id, name, body, name_exact) VALUES (1, 'na', 'na', 'na')")
        upgrade()
        assert run("SELECT product_id, quantity, reason FROM stock_movements") == [(1, 7, "correction")]
        assert run("SELECT count(*) FROM product_search_documents") == [(1,)]
        assert run("SELECT vat_rate, min_order_quantity, weight_grams FROM products") == [("KCT", 1, 0)]
