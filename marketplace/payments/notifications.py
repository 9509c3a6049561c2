"""Emails about money, in Vietnamese, sent by a background job after the commit."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db, mailer
from ..jobs import enqueue
from ..orders.models import PaymentMethod
from ..orders.order_links import order_link
from .models import Payment

# How the money reaches the buyer, by the way the order was paid.
REFUND_ROUTE = {
    PaymentMethod.CARD: _l("It goes back to the card you paid with; banks take a few working days to show it."),
    PaymentMethod.BANK_TRANSFER: _l("The cooperative transfers it back to you."),
    PaymentMethod.COD: _l("The cooperative pays it back to you."),
}


def notify_refund(payment: Payment) -> None:
    """Tell the buyer a cooperative is refunding them (call after the commit)."""
    enqueue(send_refund, payment.id)


def send_refund(payment_id: int) -> None:
    refund = db.session.get(Payment, payment_id)
    order = refund.order
    if not order.email:
        return
    part = refund.allocations[0].vendor_order
    with force_locale("vi"):
        mailer.send(
            to=order.email,
            subject=_("Chợ HTX: a refund for your order %(number)s", number=order.number),
            body=render_template("email/payments/refund_buyer.txt", order=order, part=part, refund=refund,
                                 route=REFUND_ROUTE[refund.method], link=order_link(order)),
        )
