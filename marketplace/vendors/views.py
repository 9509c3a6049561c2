from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..accounts.guards import cooperative_required
from . import services

bp = Blueprint("vendors", __name__, url_prefix="/vendor")


@bp.route("")
@cooperative_required
def dashboard():
    membership = current_user.membership
    return render_template(
        "vendors/dashboard.html",
        membership=membership,
        cooperative=membership.cooperative,
        product_counts=services.product_counts_by_status(membership.cooperative_id),
    )
