"""Words for the audit log's actions, for pages: {{ action_label(entry.action) }}."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "account.registered": _l("Account registered"),
    "account.login": _l("Logged in"),
    "account.login_failed": _l("Failed login"),
    "account.logout": _l("Logged out"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset_requested": _l("Password reset requested"),
    "account.password_reset": _l("Password reset"),
    "account.admin_granted": _l("Made a platform administrator"),
    "application.submitted": _l("Application submitted"),
    "application.approved": _l("Application approved"),
    "application.rejected": _l("Application rejected"),
    "application.changes_requested": _l("Changes requested to an application"),
    "cooperative.suspended": _l("Cooperative suspended"),
    "cooperative.reinstated": _l("Cooperative reinstated"),
    "staff.invited": _l("Staff member invited"),
    "staff.invitation_revoked": _l("Staff invitation withdrawn"),
    "staff.joined": _l("Staff member joined"),
    "staff.removed": _l("Staff member removed"),
    "staff.ownership_transferred": _l("Ownership handed over"),
    "cooperative.profile_updated": _l("Profile changed"),
    "cooperative.shipping_updated": _l("Shipping fees changed"),
    "bank.change_requested": _l("Bank account change requested"),
    "bank.change_verified": _l("Bank account change verified"),
    "bank.change_rejected": _l("Bank account change rejected"),
}


def action_label(action: str) -> str:
    """The action in the visitor's language; an action without a label shows as recorded."""
    return str(ACTION_LABELS.get(action, action))
