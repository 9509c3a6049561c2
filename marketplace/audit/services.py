"""Recording audit entries, in the caller's transaction, so an action and its record commit together;
listing them with filters, for the admin's and a cooperative owner's pages."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import ColumnElement, func, select

from ..common.vntime import vietnam_day_end, vietnam_day_start
from ..extensions import db
from ..vendors.models import Cooperative
from .models import AuditEntry
from .params import AuditFilters

PER_PAGE = 50


def record(action: str, *, actor=None, actor_label: str = "", cooperative=None, target: str = "",
           details: dict | None = None) -> AuditEntry:
    """Add an audit entry for `action` (e.g. "application.approved") to the current transaction.

    `actor` is a User or None; `cooperative` a Cooperative, an id or None; the IP address is the
    current request's, when there is one (the client's, behind the proxy ProxyFix trusts).
    """
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        cooperative_id=getattr(cooperative, "id", cooperative),
        target=target[:200],
        details=details or {},
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


@dataclass
class AuditPage:
    rows: list[tuple[AuditEntry, str | None]]  # each entry with its cooperative's name
    page: int
    has_next: bool


def find_audit_entries(filters: AuditFilters) -> AuditPage:
    """One page of the entries that match every filter, newest first."""
    rows = db.session.execute(
        select(AuditEntry, Cooperative.name)
        .outerjoin(Cooperative, Cooperative.id == AuditEntry.cooperative_id)
        .where(*_conditions(filters))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .offset((filters.page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
    ).all()
    return AuditPage([(entry, name) for entry, name in rows[:PER_PAGE]], filters.page, len(rows) > PER_PAGE)


def _conditions(filters: AuditFilters) -> Iterator[ColumnElement[bool]]:
    if filters.actor:
        yield func.lower(AuditEntry.actor_label).contains(filters.actor.lower(), autoescape=True)
    if filters.cooperative_id is not None:
        yield AuditEntry.cooperative_id == filters.cooperative_id
    if filters.action:
        yield AuditEntry.action == filters.action
    if filters.date_from:
        yield AuditEntry.created_at >= vietnam_day_start(filters.date_from)
    if filters.date_to:
        yield AuditEntry.created_at < vietnam_day_end(filters.date_to)


def cooperative_choices() -> list[tuple[int, str]]:
    """Every cooperative, whatever its status, by name: the admin page's cooperative filter."""
    rows = db.session.execute(select(Cooperative.id, Cooperative.name).order_by(Cooperative.name))
    return [(cooperative_id, name) for cooperative_id, name in rows]
