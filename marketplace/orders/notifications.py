"""Order emails, in Vietnamese (the language of buyers and cooperatives, whoever triggers them):
on placement to the buyer and to each cooperative, and to the buyer at each change of state.

The send_* functions are jobs: they take ids and read their rows afresh, inline or in the worker.
Views call notify_* after the service's transaction has committed.
"""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db, mailer
from ..jobs import enqueue
from ..site_links import site_url
from ..vendors.models import Cooperative, MemberRole
from .models import Order, PaymentMethod, VendorOrder, VendorOrderEvent
from .order_links import order_link
from .states import Actor, VendorOrderState

PAYMENT_FOR_BUYER = {
    PaymentMethod.COD: _l("Cash on delivery: you pay for each cooperative's part when its parcel arrives."),
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer: the order goes to the cooperatives once your transfer arrives."),
    PaymentMethod.CARD: _l("Card: the order goes to the cooperatives once the payment is confirmed."),
}

# What the buyer is told, about their order `number` and the part from `cooperative`.
NEWS = {
    VendorOrderState.PLACED: _l("Your payment for order %(number)s arrived: %(cooperative)s will confirm its part"),
    VendorOrderState.CONFIRMED: _l("%(cooperative)s confirmed your order %(number)s and is preparing it"),
    VendorOrderState.PACKED: _l("%(cooperative)s packed your order %(number)s"),
    VendorOrderState.SHIPPED: _l("%(cooperative)s shipped your order %(number)s"),
    VendorOrderState.DELIVERED: _l("Your order %(number)s from %(cooperative)s was delivered"),
    VendorOrderState.COMPLETED: _l("Your order %(number)s from %(cooperative)s is completed"),
    VendorOrderState.CANCELLED: _l("Your order %(number)s from %(cooperative)s was cancelled"),
}


def notify_order_placed(order) -> None:
    """Email the buyer and each cooperative about a placed order (call after the commit)."""
    enqueue(send_order_placed, order.id)


def notify_state_changed(*events: VendorOrderEvent) -> None:
    """Email the buyer about each change of state of their order, and the cooperative when the
    buyer cancels its part (call after the commit)."""
    for event in events:
        enqueue(send_state_changed, event.id)


def send_order_placed(order_id: int) -> None:
    order = db.session.get(Order, order_id)
    with force_locale("vi"):
        if order.email:
            mailer.send(
                to=order.email,
                subject=_("Chợ HTX: your order %(number)s", number=order.number),
                body=render_template("email/orders/placed_buyer.txt", order=order, link=order_link(order),
                                     payment=PAYMENT_FOR_BUYER[order.payment_method]),
            )
        for part in order.vendor_orders:
            recipient = cooperative_email(part.cooperative)
            if recipient:
                mailer.send(
                    to=recipient,
                    subject=_("Chợ HTX: new order %(code)s", code=part.code),
                    body=render_template("email/orders/placed_cooperative.txt", order=order, part=part,
                                         link=site_url("vendor_orders.detail", vendor_order_id=part.id)),
                )


def send_state_changed(event_id: int) -> None:
    event = db.session.get(VendorOrderEvent, event_id)
    part = event.vendor_order
    order = part.order
    if event.from_state is None:  # placing has its own email
        return
    news_for_cooperative = _news_for_cooperative(event)
    if news_for_cooperative is not None:
        _tell_cooperative(part, *news_for_cooperative)
    if not order.email:
        return
    with force_locale("vi"):
        news = str(NEWS[event.to_state]) % {"number": order.number, "cooperative": part.cooperative.name}
        mailer.send(
            to=order.email,
            subject=_("Chợ HTX: %(news)s", news=news),
            body=render_template("email/orders/state_changed.txt", order=order, part=part, event=event, news=news,
                                 expired=_reservation_expired(event), link=order_link(order)),
        )


# The changes a cooperative is told of: (subject, body template). Its own changes it knows of.
COOPERATIVE_NEWS = {
    (Actor.BUYER, VendorOrderState.CANCELLED): (
        _l("Chợ HTX: order %(code)s was cancelled by the buyer"), "email/orders/cancelled_cooperative.txt"),
    (Actor.SYSTEM, VendorOrderState.PLACED): (
        _l("Chợ HTX: order %(code)s is paid, confirm it"), "email/orders/paid_cooperative.txt"),
}


def _news_for_cooperative(event: VendorOrderEvent) -> tuple | None:
    if _reservation_expired(event):
        return _l("Chợ HTX: order %(code)s was not paid in time"), "email/orders/expired_cooperative.txt"
    return COOPERATIVE_NEWS.get((event.actor, event.to_state))


def _tell_cooperative(part: VendorOrder, subject, template: str) -> None:
    recipient = cooperative_email(part.cooperative)
    if recipient:
        with force_locale("vi"):
            mailer.send(to=recipient, subject=str(subject) % {"code": part.code},
                        body=render_template(template, part=part,
                                             link=site_url("vendor_orders.detail", vendor_order_id=part.id)))


def cooperative_email(cooperative: Cooperative) -> str:
    """Where a cooperative's orders go: its contact address, else its owner's."""
    if cooperative.contact_email:
        return cooperative.contact_email
    owners = [member.user.email for member in cooperative.members if member.role == MemberRole.OWNER]
    return owners[0] if owners else ""


def _reservation_expired(event: VendorOrderEvent) -> bool:
    return (event.actor == Actor.SYSTEM and event.from_state == VendorOrderState.PENDING_PAYMENT
            and event.to_state == VendorOrderState.CANCELLED)
