"""Audit entries are only ever added: the application can neither change nor delete one."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import delete, update

from marketplace.audit.models import AuditLogIsAppendOnly
from marketplace.extensions import db
from marketplace.models import AuditEntry

from .helpers import add_entry, recorded

AT = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)


def test_changing_an_entry_is_refused(app):
    entry = add_entry("account.login", at=AT)

    entry.actor_label = "someone-else@example.com"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    assert recorded()[0].actor_label == "someone@example.com"


def test_deleting_an_entry_is_refused(app):
    entry = add_entry("account.login", at=AT)

    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    assert len(recorded()) == 1


@pytest.mark.parametrize("statement", [
    update(AuditEntry).values(action="account.logout"),
    delete(AuditEntry),
], ids=["update", "delete"])
def test_bulk_statements_on_entries_are_refused(app, statement):
    add_entry("account.login", at=AT)

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()

    assert [e.action for e in recorded()] == ["account.login"]
