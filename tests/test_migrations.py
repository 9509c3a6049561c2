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

from .conftest import TEST_DATABASE_URL, app_config, create_postgres_database, drop_postgres_database


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
    url = create_postgres_database(TEST_DATABASE_URL)
    try:
        _check_migrations(url)
    finally:
        drop_postgres_database(url)
