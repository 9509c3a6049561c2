"""The audit log pages: everything for platform admins, its own cooperative's rows for an owner."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.guards import admin_required, cooperative_owner_required
from ..common.querystring import pager_urls
from . import services
from .labels import ACTION_LABELS, action_label
from .params import InvalidFilter, Reason, parse_audit_filters

bp = Blueprint("audit", __name__)
bp.add_app_template_global(action_label, "action_label")

FILTER_NAMES = {
    "cooperative": _l("cooperative"),
    "action": _l("action"),
    "from": _l("start date"),
    "to": _l("end date"),
    "page": _l("page"),
}
REASONS = {
    Reason.NOT_A_DATE: _l("The %(name)s must be a date, for example 05/03/2026."),
    Reason.OUT_OF_RANGE: _l("The %(name)s is out of range."),
    Reason.UNKNOWN_VALUE: _l("There is no such %(name)s."),
    Reason.FROM_AFTER_TO: _l("The start date must not be after the end date."),
}


@bp.route("/admin/audit")
@admin_required
def admin_log():
    return _log_page(cooperatives=services.cooperative_choices())


@bp.route("/vendor/audit")
@cooperative_owner_required
def cooperative_log():
    return _log_page(cooperative=current_user.membership.cooperative)


def _log_page(*, cooperatives=None, cooperative=None):
    """The log for the query string's filters; with `cooperative`, that cooperative's rows only."""
    context = {"cooperatives": cooperatives, "cooperative": cooperative, "actions": ACTION_LABELS}
    try:
        filters = parse_audit_filters(request.args, ACTION_LABELS,
                                      own_cooperative_id=cooperative.id if cooperative else None)
    except InvalidFilter as error:
        message = str(REASONS[error.reason]) % {"name": FILTER_NAMES[error.name]}
        return render_template("audit/log.html", error=message, error_field=error.name, log=None, **context), 400
    log = services.find_audit_entries(filters)
    return render_template("audit/log.html", error=None, error_field=None, log=log,
                           **pager_urls(request.path, request.args, log.page, log.has_next), **context)
