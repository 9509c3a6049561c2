"""The database set-up: UTC datetimes, and SQLite made safe for concurrent writers."""
import threading
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from marketplace.catalog.cache import current_version
from marketplace.extensions import db
from marketplace.models import Cooperative, User
from marketplace.transaction import write_transaction

from .conftest import TEST_DATABASE_URL
from .factories import make_cooperative, make_user

sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite set-up")


def test_datetimes_come_back_timezone_aware_in_utc(app):
    user = make_user()
    db.session.expire_all()
    created = db.session.get(User, user.id).created_at
    assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0
    assert abs((datetime.now(timezone.utc) - created).total_seconds()) < 60


@sqlite_only
def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(app):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 20_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@write_transaction
def _count_one_more_member(cooperative_id: int) -> None:
    coop = db.session.get(Cooperative, cooperative_id)
    seen = coop.member_count
    time.sleep(0.02)  # widen the window in which another writer could slip in
    coop.member_count = seen + 1


@sqlite_only
def test_sqlite_write_transactions_queue_instead_of_failing_or_losing_updates(app):
    """Each write transaction takes the lock when it begins (BEGIN IMMEDIATE), so concurrent
    read-modify-write services run one after another: none fails, none is lost."""
    coop = make_cooperative()
    coop.member_count = 0
    db.session.commit()
    coop_id = coop.id
    db.session.commit()  # hold no read snapshot while the workers write
    errors = []

    def worker():
        with app.app_context():
            try:
                _count_one_more_member(coop_id)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    db.session.commit()
    assert db.session.execute(text("SELECT member_count FROM cooperatives")).scalar() == 10


def test_a_failing_service_leaves_nothing_behind(app):
    @write_transaction
    def half_done():
        db.session.add(User(email="half@example.com", full_name="X", password_hash="x"))
        db.session.flush()
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        half_done()
    assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 0


def test_an_autocommit_read_inside_a_write_transaction_does_not_wait_for_its_own_lock(app):
    """The catalog version is read on a connection of its own; inside a write service on SQLite it
    must not begin IMMEDIATE and wait (20 s, then fail) behind the service's own write lock."""
    @write_transaction
    def read_version_while_writing():
        db.session.execute(text("UPDATE catalog_version SET version = version WHERE id = 1"))
        started = time.monotonic()
        version = current_version()
        return version, time.monotonic() - started

    version, seconds = read_version_while_writing()
    assert version is not None and seconds < 2
