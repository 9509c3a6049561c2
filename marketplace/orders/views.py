"""The cart: /cart, and POST /cart/items as a browser or a script sends it."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

from ..accounts.guards import public
from ..extensions import csrf
from . import carts
from .carts import CartRefused
from .messages import cart_problem_message, item_problems

bp = Blueprint("cart", __name__)


@bp.app_template_global()
def cart_csrf_token() -> str:
    """A CSRF token for the add-to-cart forms of a visitor with a session; none without one, so that
    rendering a page cached for anonymous visitors does not start a session (see _check_cross_site)."""
    return generate_csrf() if session else ""


def _lines() -> dict[int, tuple[int, int]]:
    return carts.visitor_lines(current_user, session)


def _change(product_id: int, quantity: int, adding: bool) -> None:
    if current_user.is_authenticated:
        carts.change_user_cart(current_user, product_id, quantity, adding)
    else:
        carts.change_session_cart(session, product_id, quantity, adding)


def _whole_number(name: str, minimum: int) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and minimum <= int(value) <= 100_000 else None


def _check_cross_site() -> None:
    """The add-to-cart form sits on pages cached for anonymous visitors, so it cannot always carry a
    session's CSRF token: a visitor with a session must send theirs; one without must post from
    this site (its Origin or Referer), which is all a forged request from elsewhere could not do."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if "csrf_token" in session or "csrf_token" in request.form:
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as exc:
            raise CSRFError(str(exc)) from exc
        return
    sender = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if urlsplit(sender).netloc != request.host:
        raise CSRFError("cross-site request without a token")


@bp.route("/cart")
@public
def view_cart():
    groups, products = carts.contents(_lines())
    problems = item_problems(groups, products)
    return render_template("orders/cart.html", groups=groups, products=products, problems=problems,
                           total=sum(group.total for group in groups))


@bp.route("/cart/items", methods=["POST"])
@public
@csrf.exempt
def add_item():
    _check_cross_site()
    product_id, quantity = _whole_number("product", 1), _whole_number("quantity", 1)
    if product_id is None or quantity is None:
        flash(_("Choose a quantity of at least 1."), "error")
        return redirect(request.referrer or url_for("cart.view_cart")), 303
    try:
        _change(product_id, quantity, adding=True)
    except CartRefused as refused:
        flash(cart_problem_message(refused), "error")
        return redirect(request.referrer or url_for("cart.view_cart")), 303
    flash(_("Added to your cart."), "success")
    return redirect(url_for("cart.view_cart"), 303)


@bp.route("/cart/items/<int:product_id>", methods=["POST"])
@public
def update_item(product_id: int):
    quantity = _whole_number("quantity", 0)
    if quantity is None:
        flash(_("Choose a quantity of at least 1."), "error")
    else:
        try:
            _change(product_id, quantity, adding=False)
        except CartRefused as refused:
            flash(cart_problem_message(refused), "error")
    return redirect(url_for("cart.view_cart"), 303)


@bp.route("/cart/items/<int:product_id>/delete", methods=["POST"])
@public
def remove_item(product_id: int):
    if product_id not in _lines():
        abort(404)
    _change(product_id, 0, adding=False)
    return redirect(url_for("cart.view_cart"), 303)
