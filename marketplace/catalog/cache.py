"""Catalog results and anonymous storefront pages cached in each process under the catalog version.

Every commit that changes what the storefront shows (products, including their stock, their
certifications and search documents, cooperatives, categories) bumps the version right after it
commits, so a cached entry is used only while no such change has happened since it was made, and
for CATALOG_CACHE_SECONDS at most (the bound should a process die between a commit and its bump).
Another process sees the new version on its next request, so a suspended cooperative disappears
everywhere at once.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, has_request_context, request
from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session

from ..database import write_intent
from ..extensions import db
from ..vendors.models import Cooperative
from .models import CatalogVersion, Category, Product, ProductCertification, ProductSearchDocument

LISTED = (Product, ProductCertification, ProductSearchDocument, Cooperative, Category)
_CHANGED = "catalog_changed"


class ResultCache:
    """A bounded, thread-safe LRU map whose entries hold only for one version and a number of seconds."""

    def __init__(self, seconds: float, entries: int):
        self.seconds, self.entries = seconds, entries
        self._entries: OrderedDict[Hashable, tuple[int, float, object]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def get(self, key: Hashable, version: int | None):
        """The value stored under key at this version and still fresh, else None."""
        if not self.enabled or version is None:
            return None
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or hit[0] != version or time.monotonic() - hit[1] >= self.seconds:
                return None
            self._entries.move_to_end(key)
            return hit[2]

    def put(self, key: Hashable, version: int | None, value) -> None:
        if not self.enabled or version is None:
            return
        with self._lock:
            self._entries[key] = (version, time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.entries:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: Hashable, version: int | None, compute: Callable[[], object]):
        value = self.get(key, version)
        if value is None:
            value = compute()
            self.put(key, version, value)
        return value


def init_app(app) -> None:
    app.extensions["catalog_cache"] = ResultCache(app.config["CATALOG_CACHE_SECONDS"],
                                                  app.config["CATALOG_CACHE_ENTRIES"])


def results_cache() -> ResultCache:
    return current_app.extensions["catalog_cache"]


_VERSION = select(CatalogVersion.__table__.c.version).where(CatalogVersion.__table__.c.id == 1)


_REQUEST_VERSION = "marketplace.catalog_version"


def current_version() -> int | None:
    """Read once per storefront request (page cache, list results and categories share it), in a
    round trip of its own with no transaction to begin and end: a page served from the cache needs
    nothing else from the database. Data read afterwards is at least as new as this version, so an
    entry can hold newer data than its version, never older."""
    if not has_request_context():
        return _read_version()
    if _REQUEST_VERSION not in request.environ:
        request.environ[_REQUEST_VERSION] = _read_version()
    return request.environ[_REQUEST_VERSION]


def _read_version() -> int | None:
    with db.engine.connect() as connection:
        return connection.execution_options(isolation_level="AUTOCOMMIT").execute(_VERSION).scalar()


def bump_version(bind: Engine) -> None:
    with write_intent(), bind.begin() as connection:
        connection.execute(
            update(CatalogVersion).where(CatalogVersion.id == 1).values(version=CatalogVersion.version + 1)
        )
    if has_request_context():  # this request reads the new version from now on
        request.environ.pop(_REQUEST_VERSION, None)


def _changes_listing(session: Session) -> bool:
    if any(isinstance(instance, LISTED) for instance in (*session.new, *session.deleted)):
        return True
    return any(isinstance(instance, LISTED) and session.is_modified(instance) for instance in session.dirty)


@event.listens_for(Session, "before_flush")
def _note_listing_changes(session: Session, flush_context, instances) -> None:
    if _changes_listing(session):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement_listing_changes(state) -> None:
    """ORM bulk statements on listed models change listings too. Statements on a table (no mapper)
    are not seen here: their caller calls note_listing_changed when it must (inventory.stock)."""
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in LISTED:
        note_listing_changed(state.session)


def note_listing_changed(session: Session) -> None:
    """The storefront shows what this transaction changes: bump the version after it commits."""
    session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        bump_version(session.get_bind())


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)
