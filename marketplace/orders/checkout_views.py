"""The buyer's side of an order: /checkout, the order page (own orders, or anyone with the signed
link), cancelling, the order history and saved addresses."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.guards import login_required, public
from ..common.phone import display_mobile
from ..common.querystring import page_number
from ..labels import label
from ..payments import methods
from ..payments.methods import offered_methods
from ..payments.records import PaymentRefused, order_balance
from ..payments.transfers import instructions as transfer_instructions
from ..payments.vietqr import qr_svg
from . import carts, checkout, placement
from .checkout_forms import CheckoutForm, PaymentMethodForm
from .fulfilment import TransitionRefused, buyer_may_cancel, cancel_order
from .messages import cart_problem_message, item_problems
from .models import PaymentMethod
from .notifications import notify_order_placed, notify_state_changed
from .order_links import order_key, order_link

bp = Blueprint("checkout", __name__)

INVALID = 422
# The number of the order just placed in this session: its page then says thank you (once).
JUST_PLACED = "just_placed"


def _buyer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def _prefilled_form() -> CheckoutForm:
    """A fresh form: the account's name, phone and email, or a saved address chosen with ?address=."""
    data = {}
    if current_user.is_authenticated:
        data = {"full_name": current_user.full_name, "email": current_user.email,
                "phone": display_mobile(current_user.phone) if current_user.phone else ""}
        address_id = request.args.get("address", type=int)
        if address_id is not None:
            try:
                address = checkout.saved_address(current_user, address_id)
            except LookupError:
                abort(404)
            data.update(full_name=address.full_name, phone=display_mobile(address.phone),
                        province=address.province_code, ward=address.ward_code, address_line=address.address_line)
    form = CheckoutForm(data=data, payment_methods=offered_methods(current_app.config))
    form.checkout_token.data = _new_token()
    return form


def _checkout_page(form: CheckoutForm, status: int = 200, refusal: str | None = None):
    groups, products = carts.contents(carts.visitor_lines(current_user, session), form.province.data)
    problems = item_problems(groups, products)
    addresses = checkout.saved_addresses(current_user) if current_user.is_authenticated else []
    return render_template("orders/checkout.html", form=form, groups=groups, products=products, problems=problems,
                           total=sum(group.total for group in groups), refusal=refusal, addresses=addresses), status


def _cart_is_empty():
    flash(_("Your cart is empty: add products before checking out."), "info")
    return redirect(url_for("cart.view_cart"), 303)


def _order_url(order, key: str | None = None) -> str:
    if checkout.is_own(order, current_user) and not key:
        return url_for(".order_page", number=order.number)
    return url_for(".order_page", number=order.number, key=key or order_key(order.number))


@bp.route("/checkout", methods=["GET", "POST"])
@public
def checkout_page():
    if request.method == "GET":
        if not carts.visitor_lines(current_user, session):
            return _cart_is_empty()
        return _checkout_page(_prefilled_form())
    form = CheckoutForm(payment_methods=offered_methods(current_app.config))
    if request.form.get("choose_province"):
        form.forget_ward_of_another_province()
        return _checkout_page(form)
    if not form.validate_on_submit():
        if form.checkout_token.errors:
            form.checkout_token.data = _new_token()
        return _checkout_page(form, INVALID)
    return _place(form)


def _place(form: CheckoutForm):
    buyer, lines = _buyer(), carts.visitor_lines(current_user, session)
    try:
        order = placement.place_order(form.checkout(may_save_address=buyer is not None), lines, buyer,
                                      reservation=current_app.config["ORDER_RESERVATION"],
                                      on_placed=notify_order_placed)
    except placement.PlacementRefused as refused:
        if refused.problem.kind == placement.EMPTY_CART:
            return _cart_is_empty()
        return _checkout_page(form, INVALID, refusal=cart_problem_message(refused))
    if buyer is None:
        carts.forget_session_lines(session, lines)
    return _show_placed(order)


def _show_placed(order):
    session[JUST_PLACED] = order.number
    return redirect(_order_url(order), 303)


def _viewable_or_404(number: str):
    order = checkout.viewable_order(number, current_user, request.args.get("key"))
    if order is None:
        abort(404)
    return order


@bp.route("/orders/<number>")
@public
def order_page(number: str):
    order = _viewable_or_404(number)
    just_placed = session.get(JUST_PLACED) == order.number
    if just_placed:
        session.pop(JUST_PLACED)
    transfers = {t.vendor_order.id: t for t in transfer_instructions(order)}
    return render_template(
        "orders/order.html", order=order, just_placed=just_placed, link=order_link(order),
        transfers=transfers, transfer_qr={vo_id: qr_svg(t.qr_payload) for vo_id, t in transfers.items()},
        balance=order_balance(order),
        method_form=PaymentMethodForm(formdata=None) if methods.may_change_method(order) else None,
        status=checkout.combined_state(order), may_cancel=buyer_may_cancel(order),
        cancel_url=url_for(".cancel", number=order.number, key=request.args.get("key")),
        state_words=checkout.state_words)


@bp.route("/orders/<number>/cancel", methods=["POST"])
@public
def cancel(number: str):
    order = _viewable_or_404(number)
    try:
        events = cancel_order(order.id, _buyer())
    except TransitionRefused:
        flash(_("This order can no longer be cancelled: a cooperative has already confirmed its part."), "error")
    else:
        notify_state_changed(*events)
        flash(_("Your order %(number)s is cancelled.", number=order.number), "success")
    return redirect(_order_url(order, request.args.get("key")), 303)


METHOD_REFUSALS = {
    methods.NOT_CHANGEABLE: _l("This order's payment can no longer be changed. Nothing was changed."),
    methods.CARD_IN_FLIGHT: _l("Your card payment is still being checked: wait for it before choosing another way to pay."),
    methods.NO_TRANSFERS: _l("A cooperative of this order cannot be paid by bank transfer yet: choose cash on delivery."),
}


@bp.route("/orders/<number>/payment-method", methods=["POST"])
@public
def change_payment_method(number: str):
    order = _viewable_or_404(number)
    form = PaymentMethodForm()
    if not form.validate_on_submit():
        flash(_("Choose how you will pay instead."), "error")
        return redirect(_order_url(order, request.args.get("key")), 303)
    try:
        methods.change_method(order.id, PaymentMethod(form.method.data))
    except PaymentRefused as refused:
        flash(str(METHOD_REFUSALS[refused.reason]), "error")
    else:
        flash(_("Order %(number)s: payment changed to “%(method)s”.", number=order.number,
                method=label(PaymentMethod(form.method.data))), "success")
    return redirect(_order_url(order, request.args.get("key")), 303)


@bp.route("/account/orders")
@login_required
def history():
    page = page_number(request.args)
    found = checkout.buyer_orders(current_user, page)
    return render_template("orders/orders.html", found=found, combined_state=checkout.combined_state,
                           state_words=checkout.state_words)


@bp.route("/account/addresses")
@login_required
def addresses():
    return render_template("orders/addresses.html", addresses=checkout.saved_addresses(current_user))


@bp.route("/account/addresses/<int:address_id>/delete", methods=["POST"])
@login_required
def delete_address(address_id: int):
    try:
        checkout.delete_saved_address(current_user, address_id)
    except LookupError:
        abort(404)
    flash(_("Address removed."), "success")
    return redirect(url_for(".addresses"), 303)
