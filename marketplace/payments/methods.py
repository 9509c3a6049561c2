"""Which payment methods checkout offers, and changing an unpaid card order to another method."""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from ..extensions import db
from ..orders import fulfilment
from ..orders.models import Order, PaymentMethod, VendorOrder, VendorOrderEvent
from ..orders.placement import NO_TRANSFERS  # a cooperative of the order has no bank account
from ..orders.states import Actor, VendorOrderState
from ..transaction import write_transaction
from . import card
from .records import PaymentRefused

# What a buyer whose card payment failed may choose instead.
INSTEAD_OF_CARD = (PaymentMethod.BANK_TRANSFER, PaymentMethod.COD)


# Why the method cannot be changed (PaymentRefused).
NOT_CHANGEABLE = "not_changeable"  # not an unpaid card order any more
CARD_IN_FLIGHT = "card_in_flight"  # a card payment reached the gateway and may still succeed


def offered_methods(config: Mapping) -> tuple[PaymentMethod, ...]:
    """Cash on delivery and bank transfer always; card when a gateway's secret key is configured."""
    card = (PaymentMethod.CARD,) if config.get("STRIPE_SECRET_KEY") else ()
    return (PaymentMethod.COD, PaymentMethod.BANK_TRANSFER, *card)


def may_change_method(order: Order) -> bool:
    """An unpaid card order whose parts all still wait for the payment (what the page offers;
    change_method checks again under lock)."""
    going = [part for part in order.vendor_orders if part.state != VendorOrderState.CANCELLED]
    return (order.payment_method == PaymentMethod.CARD and bool(going)
            and all(part.state == VendorOrderState.PENDING_PAYMENT for part in going))


@write_transaction
def change_method(order_id: int, method: PaymentMethod) -> list[VendorOrderEvent]:
    """Pay an unpaid card order by bank transfer or cash on delivery instead. Cash on delivery
    moves its parts to placed at once; a transfer keeps them waiting, with their stock reserved.
    Refused while a card payment that reached the gateway may still succeed."""
    parts = db.session.scalars(select(VendorOrder).where(VendorOrder.order_id == order_id)
                               .order_by(VendorOrder.id).with_for_update()
                               .execution_options(populate_existing=True)).all()
    order = db.session.get(Order, order_id)
    if method not in INSTEAD_OF_CARD or not may_change_method(order):
        raise PaymentRefused(NOT_CHANGEABLE)
    if card.attempt_in_flight(order_id):
        raise PaymentRefused(CARD_IN_FLIGHT)
    going = [part for part in parts if part.state != VendorOrderState.CANCELLED]
    if method == PaymentMethod.BANK_TRANSFER and not all(part.cooperative.bank_account_number for part in going):
        raise PaymentRefused(NO_TRANSFERS)
    order.payment_method = method
    if method != PaymentMethod.COD:
        return []
    return [fulfilment.change_state(part.id, VendorOrderState.PLACED, Actor.SYSTEM) for part in going]
