from datetime import datetime

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEntry


def recorded(action: str | None = None) -> list[AuditEntry]:
    """The audit entries committed so far (of one action), oldest first."""
    db.session.commit()  # end the test's read snapshot: requests committed after it began
    statement = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        statement = statement.where(AuditEntry.action == action)
    return list(db.session.scalars(statement))


def add_entry(action: str, *, at: datetime, actor_label: str = "someone@example.com", cooperative=None,
              target: str = "", **fields) -> AuditEntry:
    entry = AuditEntry(action=action, created_at=at, actor_label=actor_label,
                       cooperative_id=getattr(cooperative, "id", None), target=target, **fields)
    db.session.add(entry)
    db.session.commit()
    return entry
