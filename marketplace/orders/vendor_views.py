"""A cooperative's orders: /vendor/orders (the queue by state), one order with its buttons, the
packing slip, and confirming several at once."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.guards import cooperative_required, refuse_cooperatives_not_yet_approved
from ..common.querystring import page_number, pager_urls
from ..labels import label
from ..payments import vendor_payments
from ..payments.vendor_forms import payment_forms
from . import fulfilment, states, vendor_orders
from .models import PaymentMethod
from .notifications import notify_state_changed
from .states import Actor, TransitionRefused, VendorOrderState
from .vendor_forms import ACTION_NAMES, StateChangeForm

bp = Blueprint("vendor_orders", __name__, url_prefix="/vendor/orders")
bp.before_request(refuse_cooperatives_not_yet_approved)
bp.context_processor(lambda: {"action_names": ACTION_NAMES})

INVALID_FORM = 422


def _cooperative_id() -> int:
    return current_user.membership.cooperative_id


def _vendor_order_or_404(vendor_order_id: int):
    vendor_order = vendor_orders.vendor_order_of(_cooperative_id(), vendor_order_id)
    if vendor_order is None:
        abort(404)
    return vendor_order


@bp.route("")
@cooperative_required
def queue():
    requested = request.args.get("state", "")
    # An unknown state is ignored: the list of orders waiting to be confirmed is shown instead.
    state = VendorOrderState(requested) if requested in set(VendorOrderState) else VendorOrderState.PLACED
    page = page_number(request.args)
    found = vendor_orders.queue(_cooperative_id(), state, page)
    return render_template(
        "orders/vendor_orders.html", state=state, found=found,
        counts=vendor_orders.counts_by_state(_cooperative_id()),
        **pager_urls(request.path, request.args, page, found.has_next))


@bp.route("/<int:vendor_order_id>")
@cooperative_required
def detail(vendor_order_id: int):
    return _detail_page(_vendor_order_or_404(vendor_order_id), StateChangeForm(formdata=None))


def _detail_page(vendor_order, form: StateChangeForm, status: int = 200):
    payments = vendor_payments.order_payments(_cooperative_id(), vendor_order.id)
    return render_template("orders/vendor_order.html", vendor_order=vendor_order, order=vendor_order.order,
                           form=form, next_states=_offered_moves(vendor_order), payments=payments,
                           payment_forms=payment_forms(vendor_order, payments)), status


def _offered_moves(vendor_order) -> list[VendorOrderState]:
    """The buttons, but the one that the payment section's cash form stands in for."""
    return [target for target in states.next_states(vendor_order.state, Actor.COOPERATIVE)
            if not _moved_by_cash_form(vendor_order, target)]


def _moved_by_cash_form(vendor_order, target: VendorOrderState) -> bool:
    """A cash-on-delivery part is marked delivered together with the cash collected."""
    return target == VendorOrderState.DELIVERED and vendor_order.order.payment_method == PaymentMethod.COD


@bp.route("/<int:vendor_order_id>/state", methods=["POST"])
@cooperative_required
def change_state(vendor_order_id: int):
    vendor_order = _vendor_order_or_404(vendor_order_id)
    form = StateChangeForm()
    if not form.validate_on_submit():
        return _detail_page(vendor_order, form, INVALID_FORM)
    if _moved_by_cash_form(vendor_order, form.target):
        flash(_("A cash-on-delivery order is marked delivered with the cash collected: use the form below."), "error")
        return redirect(url_for(".detail", vendor_order_id=vendor_order_id), 303)
    try:
        event = fulfilment.change_state(vendor_order_id, form.target, Actor.COOPERATIVE, current_user,
                                        reason=form.reason.data, carrier=form.carrier.data,
                                        tracking_number=form.tracking_number.data)
    except TransitionRefused as refused:
        if refused.reason in (states.REASON_NEEDED, states.TRACKING_NEEDED):
            form.mark_missing(refused.reason)
            return _detail_page(vendor_order, form, INVALID_FORM)
        flash(_refusal_message(vendor_order), "error")
    else:
        notify_state_changed(event)
        flash(_("Order %(code)s: %(state)s.", code=vendor_order.code, state=label(form.target)), "success")
    return redirect(url_for(".detail", vendor_order_id=vendor_order_id), 303)


def _refusal_message(vendor_order) -> str:
    """Why a move offered on the page was refused: someone changed the order meanwhile."""
    if vendor_order.state == VendorOrderState.CANCELLED:
        by = next(e.actor for e in reversed(vendor_order.events) if e.to_state == VendorOrderState.CANCELLED)
        return {Actor.BUYER: _("This order was already cancelled by the buyer. Nothing was changed."),
                Actor.COOPERATIVE: _("This order was already cancelled by your cooperative. Nothing was changed."),
                Actor.SYSTEM: _("This order was already cancelled: it was not paid in time. Nothing was changed."),
                }[by]
    return _("This order is now “%(state)s”: that step is no longer possible. Nothing was changed.",
             state=label(vendor_order.state))


@bp.route("/<int:vendor_order_id>/packing-slip")
@cooperative_required
def packing_slip(vendor_order_id: int):
    vendor_order = _vendor_order_or_404(vendor_order_id)
    return render_template("orders/packing_slip.html", vendor_order=vendor_order, order=vendor_order.order,
                           cooperative=vendor_order.cooperative)


@bp.route("/confirm", methods=["POST"])
@cooperative_required
def confirm_selected():
    ids = request.form.getlist("vendor_order", type=int)
    if not ids:
        flash(_("Tick the orders to confirm first."), "error")
        return redirect(url_for(".queue"), 303)
    result = vendor_orders.confirm_selected(_cooperative_id(), ids, current_user)
    notify_state_changed(*result.events)
    if result.confirmed:
        flash(_("Confirmed: %(codes)s.", codes=", ".join(result.confirmed)), "success")
    if result.skipped:
        flash(_("Not confirmed because their state changed meanwhile: %(codes)s.",
                codes=", ".join(result.skipped)), "error")
    if not result.confirmed and not result.skipped:
        flash(_("None of the ticked orders was found."), "error")
    return redirect(url_for(".queue"), 303)
