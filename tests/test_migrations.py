"""Migrations build the schema from empty, match the models, and go down and up again."""
import tempfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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


def test_upgrading_a_database_with_products_fills_the_new_columns():
    """A database made before revision 0002 (e.g. by an earlier `make run`) upgrades with its data."""
    from sqlalchemy import text

    with tempfile.TemporaryDirectory() as tmp:
        url = new_database_url(Path(tmp))
        app = create_app(app_config(url))
        try:
            with app.app_context():
                upgrade(revision="0001")
                with db.engine.begin() as conn:
                    conn.execute(text(
                        "INSERT INTO cooperatives (id, slug, name, legal_name, tax_code, status, province_code, "
                        "ward_code, street_address, description, created_at) VALUES (1, 'htx', 'HTX', 'HTX', "
                        "'4901234561', 'approved', 20, 6463, '', '', '2026-01-01 00:00:00')"))
                    conn.execute(text("INSERT INTO categories (id, slug, name_vi, name_en, position) "
                                      "VALUES (1, 'na', 'Na', 'Custard apples', 0)"))
                    conn.execute(text(
                        "INSERT INTO products (id, cooperative_id, category_id, slug, name, description, unit, price, "
                        "status, created_at) VALUES (1, 1, 1, 'na', 'Na', '', 'kg', 85000, 'published', "
                        "'2026-01-01 00:00:00')"))
                upgrade()
                with db.engine.connect() as conn:
                    row = conn.execute(text(
                        "SELECT origin_ward_code, origin_province_code, stock_quantity, published_at IS NOT NULL "
                        "FROM products")).one()
                assert tuple(row) == (6463, 20, 0, True)
                db.engine.dispose()
        finally:
            dispose_database(url)


def test_upgrading_copies_each_products_certificate_validity():
    """Revision 0007 fills the products' copy of their certificates' validity from the certificates."""
    from sqlalchemy import text

    with tempfile.TemporaryDirectory() as tmp:
        url = new_database_url(Path(tmp))
        app = create_app(app_config(url))
        try:
            with app.app_context():
                upgrade(revision="0006")
                with db.engine.begin() as conn:
                    conn.execute(text(
                        "INSERT INTO cooperatives (id, slug, name, legal_name, tax_code, status, province_code, "
                        "ward_code, street_address, description, created_at) VALUES (1, 'htx', 'HTX', 'HTX', "
                        "'4901234561', 'approved', 20, 6463, '', '', '2026-01-01 00:00:00')"))
                    conn.execute(text("INSERT INTO categories (id, slug, name_vi, name_en, position) "
                                      "VALUES (1, 'na', 'Na', 'Custard apples', 0)"))
                    for product_id in (1, 2):
                        conn.execute(text(
                            "INSERT INTO products (id, cooperative_id, category_id, slug, name, description, unit, "
                            "price, status, origin_ward_code, origin_province_code, season_months, stock_quantity, "
                            "sold_count, created_at) VALUES (:id, 1, 1, :slug, 'Na', '', 'kg', 85000, 'published', "
                            "6463, 20, 0, 0, 0, '2026-01-01 00:00:00')"), {"id": product_id, "slug": f"na-{product_id}"})
                    conn.execute(text(
                        "INSERT INTO product_certifications (product_id, kind, ocop_stars, certificate_number, expires_on) "
                        "VALUES (1, 'ocop', 4, 'O-1', '2030-06-30'), (1, 'organic', NULL, 'H-1', NULL)"))
                upgrade()
                with db.engine.connect() as conn:
                    rows = conn.execute(text(
                        "SELECT id, ocop_valid_until, vietgap_valid_until, organic_valid_until FROM products ORDER BY id"))
                    assert [tuple(str(v) if v else v for v in row) for row in rows] == [
                        ("1", "2030-06-30", None, "9999-12-31"), ("2", None, None, None)]
                db.engine.dispose()
        finally:
            dispose_database(url)


def test_upgrading_to_listings_keeps_products_and_opens_their_stock():
    """Revision 0012 adds the listing columns in place (no rebuild that would cascade to search
    documents) and records each product's stock as an opening movement."""
    from sqlalchemy import text

    with tempfile.TemporaryDirectory() as tmp:
        url = new_database_url(Path(tmp))
        app = create_app(app_config(url))
        try:
            with app.app_context():
                upgrade(revision="0011")
                with db.engine.begin() as conn:
                    conn.execute(text(
                        "INSERT INTO cooperatives (id, slug, name, legal_name, tax_code, status, province_code, "
                        "ward_code, street_address, description, created_at) VALUES (1, 'htx', 'HTX', 'HTX', "
                        "'4901234561', 'approved', 20, 6463, '', '', '2026-01-01 00:00:00')"))
                    conn.execute(text("INSERT INTO categories (id, slug, name_vi, name_en, position) "
                                      "VALUES (1, 'na', 'Na', 'Custard apples', 0)"))
                    conn.execute(text(
                        "INSERT INTO products (id, cooperative_id, category_id, slug, name, description, unit, "
                        "price, status, origin_ward_code, origin_province_code, season_months, stock_quantity, "
                        "sold_count, created_at) VALUES (1, 1, 1, 'na', 'Na', '', 'kg', 85000, 'published', "
                        "6463, 20, 0, 7, 0, '2026-01-01 00:00:00')"))
                    conn.execute(text("INSERT INTO product_search_documents (product_id, name, body, name_exact) "
                                      "VALUES (1, 'na', 'na', 'na')"))
                upgrade()
                with db.engine.connect() as conn:
                    movements = conn.execute(text("SELECT product_id, quantity, reason FROM stock_movements")).all()
                    documents = conn.execute(text("SELECT count(*) FROM product_search_documents")).scalar()
                    row = conn.execute(text("SELECT vat_rate, min_order_quantity, weight_grams FROM products")).one()
                assert [tuple(m) for m in movements] == [(1, 7, "correction")] and documents == 1
                assert tuple(row) == ("KCT", 1, 0)
                db.engine.dispose()
        finally:
            dispose_database(url)
