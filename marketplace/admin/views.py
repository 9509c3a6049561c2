from __future__ import annotations

from flask import Blueprint, render_template

from ..accounts import services as accounts
from ..accounts.guards import admin_required
from ..vendors import services as vendors
from ..vendors.models import CooperativeStatus

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("")
@admin_required
def dashboard():
    return render_template(
        "admin/dashboard.html",
        user_count=accounts.count_users(),
        cooperative_counts=vendors.cooperative_counts_by_status(),
        pending=vendors.cooperatives_with_status(CooperativeStatus.PENDING),
    )
