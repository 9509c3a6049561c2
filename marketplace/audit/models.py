from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from ..database import utcnow
from ..extensions import db


class AuditEntry(db.Model):
    """Who did what, to what, when and from where. Rows are only ever added."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_cooperative_created", "cooperative_id", "created_at"),
        Index("ix_audit_entries_action_created", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The acting user, if known; the label keeps what identified them (e.g. the email typed at a
    # failed login) even when there is no such user or the account is gone.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperatives.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str] = mapped_column(String(45), default="")


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit entry."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_audit_entries(session: Session, flush_context, instances) -> None:
    for entry in (*session.dirty, *session.deleted):
        if isinstance(entry, AuditEntry) and (entry in session.deleted or session.is_modified(entry)):
            raise AuditLogIsAppendOnly(f"audit entry {entry.id} cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes_to_audit_entries(state: ORMExecuteState) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is AuditEntry:
        raise AuditLogIsAppendOnly("audit entries cannot be updated or deleted")
