"""Fixtures: a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set),
an app per test, clients, and the rule that CI may not skip PostgreSQL or browser tests."""
from __future__ import annotations

import contextvars
import os
import shutil
import signal
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from redis import Redis
from sqlalchemy import text

from marketplace import create_app
from marketplace.catalog.models import CatalogVersion
from marketplace.database import create_scratch_database, drop_scratch_database
from marketplace.extensions import db, mailer

from .factories import DEFAULT_PASSWORD, make_cooperative, make_product, make_user

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Markers whose tests may not be skipped in this run, e.g. "postgres,browser" in CI.
REQUIRED_MARKERS = {m for m in os.environ.get("MARKETPLACE_TEST_REQUIRE", "").split(",") if m}
_skipped_required: list[str] = []


def pytest_collection_modifyitems(config, items):
    if TEST_DATABASE_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_runtest_logreport(report):
    if report.skipped and any(marker in report.keywords for marker in REQUIRED_MARKERS):
        _skipped_required.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(UPLOAD_FOLDER, ignore_errors=True)
    if _skipped_required:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped_required:
        terminalreporter.section("required tests were skipped", red=True)
        for nodeid in _skipped_required:
            terminalreporter.line(f"SKIPPED but required ({', '.join(sorted(REQUIRED_MARKERS))}): {nodeid}")


# --- databases ---------------------------------------------------------------------------

TEST_DATABASE_PREFIX = "coop_test"
# This run's own: two runs at once (SQLite and PostgreSQL) must not see each other's uploads.
UPLOAD_FOLDER = Path(tempfile.mkdtemp(prefix="coop-test-uploads-"))


def new_database_url(tmp_dir: Path) -> str:
    """A fresh empty database of the kind this run tests."""
    if TEST_DATABASE_URL:
        return create_scratch_database(TEST_DATABASE_URL, TEST_DATABASE_PREFIX)
    return f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex}.db'}"


def dispose_database(url: str) -> None:
    if url.startswith("postgresql"):
        drop_scratch_database(url, TEST_DATABASE_PREFIX)


def app_config(database_url: str, **overrides) -> dict:
    environ = {
        "MARKETPLACE_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "MAIL_BACKEND": "memory",
        "SITE_URL": "http://localhost",
        "UPLOAD_FOLDER": str(UPLOAD_FOLDER),
    }
    return {"ENVIRON": environ, "TESTING": True, "WTF_CSRF_ENABLED": False, **overrides}


@pytest.fixture(scope="session")
def database_url():
    """One migrated database for the whole run; tests empty it after themselves."""
    tmp_dir = Path(tempfile.mkdtemp(prefix="coop-test-"))
    url = new_database_url(tmp_dir)
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    dispose_database(url)


def empty_all_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
            conn.execute(CatalogVersion.__table__.insert().values(id=1, version=0))  # as migration 0004 leaves it
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as it would in production: nothing in `g` or in
    the database session leaks from the test, or from one request, into the next.

    The test's own session commits first so that it holds no transaction (and no SQLite
    write lock) while the request runs.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def make_app(database_url):
    """Build an app on the test database with extra settings; emptied after the test."""
    apps = []

    def build(**overrides):
        app = create_app(app_config(database_url, **overrides))
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
    if apps:
        empty_all_tables(apps[0])


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def redis_app(make_app):
    """An app whose jobs go through RQ on the real Redis, database 15, emptied around the test."""
    redis = Redis.from_url(TEST_REDIS_URL)
    redis.flushdb()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    app = make_app(REDIS_URL=TEST_REDIS_URL)
    with app.app_context():
        yield app
    for sig, handler in handlers.items():  # an RQ worker takes over Ctrl+C and does not give it back
        signal.signal(sig, handler)
    redis.flushdb()
    redis.close()


@pytest.fixture
def outbox(app):
    return mailer.outbox


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD, **extra):
        return self.client.post("/account/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self.client.post("/account/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def buyer(app):
    return make_user(email="mai@example.com", full_name="Nguyễn Thị Mai")


@pytest.fixture
def admin(app):
    return make_user(email="boss@example.com", full_name="Quản trị", is_admin=True)


# --- a real HTTP server ------------------------------------------------------------------

class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP by a threaded server on a free port."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def staff(app, client, auth):
    """A staff member of "HTX Na Chi Lăng", logged in on `client` (in English)."""
    user = make_user(email="lan@example.com", full_name="Lý Thị Lan")
    make_cooperative(name="HTX Na Chi Lăng", owner=make_user(), staff=(user,))
    auth.login(user.email)
    client.set_cookie("lang", "en")
    return user


@pytest.fixture
def na(staff):
    return make_product(staff.membership.cooperative, name="Na Chi Lăng", stock=20)


@pytest.fixture
def honey(app):
    """A product of another cooperative."""
    return make_product(make_cooperative(name="HTX Mật ong"), name="Mật ong bạc hà", stock=20)
