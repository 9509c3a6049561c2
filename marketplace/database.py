"""Database plumbing: the declarative base, a UTC datetime type and SQLite tuning."""
from __future__ import annotations

from datetime import datetime, timezone

import enum
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import DateTime, Engine, Enum, MetaData, create_engine, event, make_url, text
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_SECONDS = 20


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_type(cls: type[enum.Enum], name: str | None = None) -> Enum:
    """An enum stored as its value in a VARCHAR with a CHECK, alike on SQLite and PostgreSQL;
    `name` names the CHECK when a table has two columns of the same enum."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        name=name or cls.__name__.lower(),
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions begun inside this block are for writing (see tune_sqlite)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def in_write_intent() -> bool:
    return _write_intent.get()


def tune_sqlite(engine: Engine) -> None:
    """Make SQLite safe for several writers: WAL, a busy timeout, BEGIN IMMEDIATE for writes.

    pysqlite's own transaction handling is switched off so that we say how each
    transaction begins. Reads begin DEFERRED and, with WAL, never block anyone. A
    transaction begun under write_intent() begins IMMEDIATE: it takes the write lock
    at once, waiting up to the busy timeout for other writers, instead of failing with
    "database is locked" when a read transaction tries to upgrade half-way through.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # each statement its own transaction: nothing to begin, no lock to wait for
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def refresh_planner_statistics(engine: Engine) -> None:
    """ANALYZE: after a bulk change (an import, a reindex) the query planner needs fresh table
    statistics; PostgreSQL's autovacuum would get there later, SQLite never does by itself
    (measured on 50,000 products: searches twice as slow without them)."""
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def create_scratch_database(server_url: str, prefix: str) -> str:
    """A new, empty PostgreSQL database named prefix_<hex> on that server (tests, benchmarks)."""
    from .config import database_url

    url = make_url(database_url(server_url, ""))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(url: str, prefix: str) -> None:
    """Drop a database made by create_scratch_database; refuses any other name."""
    parsed = make_url(url)
    name = parsed.database or ""
    if not re.fullmatch(rf"{re.escape(prefix)}_[0-9a-f]{{12}}", name):
        raise ValueError(f"{name!r} is not a scratch database")
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()

