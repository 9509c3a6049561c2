"""Access guards for views. Every route declares exactly one of them.

Each guard records its rule on the view function as `view.access`; the route-by-route
access test (tests/test_access.py) fails for any route that has none.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, url_for
from flask_login import current_user

from ..extensions import login_manager
from ..vendors.models import CooperativeStatus, MemberRole

PUBLIC = "public"
ANONYMOUS = "anonymous"
USER = "user"
COOPERATIVE = "cooperative"
COOPERATIVE_OWNER = "cooperative_owner"
ADMIN = "admin"


def _mark(view: Callable, access: str) -> Callable:
    view.access = access
    return view


def public(view: Callable) -> Callable:
    """Open to everyone."""
    return _mark(view, PUBLIC)


def anonymous_only(view: Callable) -> Callable:
    """For visitors who are not logged in (login, register); others go to their account."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated:
            return redirect(url_for("accounts.profile"))
        return view(*args, **kwargs)

    return _mark(wrapped, ANONYMOUS)


def _guard(access: str, allowed: Callable[[object], bool]) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, access)

    return decorator


def _is_cooperative_member(user) -> bool:
    membership = user.membership
    return membership is not None and membership.cooperative.status != CooperativeStatus.REJECTED


def _is_cooperative_owner(user) -> bool:
    return _is_cooperative_member(user) and user.membership.role == MemberRole.OWNER


login_required = _guard(USER, lambda user: True)
cooperative_required = _guard(COOPERATIVE, _is_cooperative_member)
cooperative_owner_required = _guard(COOPERATIVE_OWNER, _is_cooperative_owner)
admin_required = _guard(ADMIN, lambda user: user.is_admin)


def refuse_cooperatives_not_yet_approved():
    """A blueprint's before_request for what only a selling cooperative manages (products, stock,
    lots): a member of a cooperative still waiting for approval gets 403. It runs before each
    route's guard, which still decides for everyone else."""
    membership = getattr(current_user, "membership", None)
    if membership is not None and membership.cooperative.status == CooperativeStatus.PENDING:
        abort(403)
