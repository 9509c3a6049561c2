"""The buyer's side of payments: paying an order by card, and the gateway's webhook."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.guards import public
from ..extensions import csrf, limiter
from ..orders import checkout
from ..security import CONTENT_SECURITY_POLICY
from . import card, records
from .records import PaymentRefused
from .card import Outcome
from .card_forms import PayForm
from .gateway import GatewayError, InvalidSignature, verify_webhook

bp = Blueprint("payments", __name__)
log = logging.getLogger(__name__)

INVALID = 422
NOT_ANSWERING = 503
NOT_PAYABLE = {
    records.WRONG_METHOD: _l("This order is not paid by card."),
    card.NOTHING_DUE: _l("This order has nothing left to pay."),
}
# The gateway's card form (Stripe.js) comes from its own site and talks to it from the page.
GATEWAY_SCRIPT = "https://js.stripe.com/v3/"
GATEWAY_SOURCES = {"script-src": "https://js.stripe.com", "frame-src": "https://js.stripe.com https://hooks.stripe.com",
                   "connect-src": "https://api.stripe.com"}


def _viewable_or_404(number: str):
    order = checkout.viewable_order(number, current_user, request.args.get("key"))
    if order is None:
        abort(404)
    return order


def _order_url(order) -> str:
    return url_for("checkout.order_page", number=order.number, key=request.args.get("key"))


def _pay_url(order) -> str:
    return url_for(".pay", number=order.number, key=request.args.get("key"))


def _on_test_server() -> bool:
    return card.gateway().config.is_local_test_server


def _new_form() -> PayForm:
    form = PayForm(formdata=None, test_server=_on_test_server())
    form.attempt.data = card.new_attempt_token()
    return form


def _pay_page(order, form: PayForm, status: int = 200, *, problem: str | None = None, client_secret: str = ""):
    response = make_response(render_template(
        "payments/pay.html", order=order, form=form, amount=sum(card.missing_parts(order).values()),
        problem=problem, client_secret=client_secret, gateway_script=GATEWAY_SCRIPT,
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"] or "", order_url=_order_url(order),
        return_url=url_for(".pay_return", number=order.number, key=request.args.get("key"), _external=True)), status)
    if client_secret:
        response.headers["Content-Security-Policy"] = _policy_with_gateway()
    return response


def _policy_with_gateway() -> str:
    """The site's policy, opened to the gateway's card form."""
    directives = [directive.split(" ", 1) for directive in CONTENT_SECURITY_POLICY.split("; ")]
    extra = dict(GATEWAY_SOURCES)
    policy = [f"{name} {sources} {extra.pop(name)}" if name in extra else f"{name} {sources}"
              for name, sources in directives]
    return "; ".join(policy + [f"{name} {sources}" for name, sources in extra.items()])


@bp.route("/orders/<number>/pay", methods=["GET", "POST"])
@public
def pay(number: str):
    order = _viewable_or_404(number)
    try:
        card.payable_parts(order)
    except PaymentRefused as refused:
        return _not_payable(order, refused)
    if request.method == "GET":
        return _pay_page(order, _new_form())
    form = PayForm(test_server=_on_test_server())
    if not form.validate_on_submit():
        if form.attempt.errors:
            form.attempt.data = card.new_attempt_token()
        return _pay_page(order, form, INVALID)
    try:
        attempt = card.pay(order.id, form.attempt.data, form.test_card.data if "test_card" in form else None)
    except PaymentRefused as refused:
        return _not_payable(order, refused)
    return _show_attempt(order, attempt)


def _not_payable(order, refused: PaymentRefused):
    flash(NOT_PAYABLE[refused.reason], "info")
    return redirect(_order_url(order), 303)


def _show_attempt(order, attempt: card.Attempt):
    if attempt.outcome == Outcome.PAID:
        flash(_("Thank you: your card payment was received. The cooperatives are preparing your order."), "success")
        return redirect(_order_url(order), 303)
    if attempt.outcome == Outcome.DECLINED:
        flash(_("The card was declined and nothing was charged. Try again, or with another card."), "error")
        return redirect(_pay_url(order), 303)
    if attempt.outcome == Outcome.NOT_ANSWERING:
        return _pay_page(order, _new_form(), NOT_ANSWERING, problem=_(
            "The card service is not answering. Nothing was charged: try again in a few minutes."))
    if attempt.outcome == Outcome.NEEDS_CARD:
        return _pay_page(order, _new_form(), client_secret=attempt.client_secret)
    flash(_("Your payment is being checked with the card service. Do not pay again: "
            "this page will show the order as paid as soon as the card service confirms it."), "info")
    return redirect(_order_url(order), 303)


@bp.route("/orders/<number>/pay/return")
@public
def pay_return(number: str):
    """Where the gateway's card form sends the buyer back, with ?payment_intent=."""
    order = _viewable_or_404(number)
    try:
        attempt = card.returned(order.id, request.args.get("payment_intent", ""))
    except LookupError:
        abort(404)
    return _show_attempt(order, attempt)


def _plain(text: str, status: int):
    return text, status, {"Content-Type": "text/plain; charset=utf-8"}


@bp.route("/payments/stripe/webhook", methods=["POST"])
@public
@csrf.exempt
@limiter.exempt  # the gateway retries failed deliveries: a limit would only make it retry more
def stripe_webhook():
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if not secret:
        log.error("a card webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
        return _plain("webhook secret not configured", 400)
    try:
        event = verify_webhook(request.get_data(), request.headers.get("Stripe-Signature", ""), secret)
    except InvalidSignature as invalid:
        log.info("card webhook refused: %s", invalid.reason)
        return _plain(f"refused: {invalid.reason}", 400)
    try:
        received = card.receive_event(event)
    except GatewayError as error:
        log.warning("card webhook %s not applied, the gateway did not answer: %s", event["id"], error)
        return _plain("gateway unavailable, send it again later", 503)
    return _plain(received.value, 200)
