"""Every state change of a vendor order goes through change_state: it locks the vendor order,
asks orders.states whether the move is allowed, applies it, records who made it, and gives the
units back to stock when it cancels. Who is acting for whom (a buyer on their own order, a
cooperative on its own part) is checked by the caller before it calls."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from ..inventory.models import MovementReason
from ..inventory.stock import move
from ..transaction import write_transaction
from . import states
from .models import Order, VendorOrder, VendorOrderEvent
from .states import Actor, TransitionRefused, VendorOrderState

__all__ = ["TransitionRefused", "change_state", "cancel_order", "expire_reservations", "buyer_may_cancel"]


def _locking(statement):
    """Vendor orders locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return statement.order_by(VendorOrder.id).with_for_update().execution_options(populate_existing=True)


def _locked(vendor_order_id: int) -> VendorOrder:
    vendor_order = db.session.scalar(_locking(select(VendorOrder).where(VendorOrder.id == vendor_order_id)))
    if vendor_order is None:
        raise LookupError(vendor_order_id)
    return vendor_order


def _apply(vendor_order: VendorOrder, target: VendorOrderState, actor: Actor, user, *, reason: str = "",
           carrier: str = "", tracking_number: str = "") -> VendorOrderEvent:
    source = vendor_order.state
    states.check(source, target, actor, reason=reason, carrier=carrier, tracking_number=tracking_number)
    if target == VendorOrderState.SHIPPED:
        vendor_order.carrier, vendor_order.tracking_number = carrier.strip(), tracking_number.strip()
    if target == VendorOrderState.CANCELLED:
        vendor_order.cancel_reason = reason.strip()
    if states.returns_stock(source, target):
        _restock(vendor_order, user)
    vendor_order.state = target
    vendor_order.reserved_until = None
    event = VendorOrderEvent(from_state=source, to_state=target, actor=actor,
                             user_id=user.id if user is not None else None, note=reason.strip())
    vendor_order.events.append(event)
    db.session.flush()
    return event


def _restock(vendor_order: VendorOrder, user) -> None:
    for line in sorted((line for line in vendor_order.lines if line.product_id is not None),
                       key=lambda line: line.product_id):
        move(line.product_id, line.quantity, MovementReason.CANCELLATION, user=user, reference=vendor_order.code)


@write_transaction
def change_state(vendor_order_id: int, target: VendorOrderState, actor: Actor, user=None, *, reason: str = "",
                 carrier: str = "", tracking_number: str = "") -> VendorOrderEvent:
    """Move one vendor order; raises TransitionRefused (nothing changed) when it may not."""
    return _apply(_locked(vendor_order_id), target, actor, user, reason=reason, carrier=carrier,
                  tracking_number=tracking_number)


def buyer_may_cancel(order: Order) -> bool:
    """The buyer cancels a whole order, while no cooperative has confirmed its part yet."""
    going = [vo for vo in order.vendor_orders if vo.state != VendorOrderState.CANCELLED]
    return bool(going) and all(VendorOrderState.CANCELLED in states.next_states(vo.state, Actor.BUYER)
                               for vo in going)


@write_transaction
def cancel_order(order_id: int, user=None, reason: str = "") -> list[VendorOrderEvent]:
    """The buyer cancels every part still going, all or none (TransitionRefused if one may not be)."""
    parts = db.session.scalars(_locking(select(VendorOrder).where(VendorOrder.order_id == order_id))).all()
    return [_apply(part, VendorOrderState.CANCELLED, Actor.BUYER, user, reason=reason)
            for part in parts if part.state != VendorOrderState.CANCELLED]


def expire_reservations(now: datetime | None = None) -> list[VendorOrderEvent]:
    """Cancel the unpaid parts whose reservation has run out, each in its own transaction (one
    paid meanwhile is left alone: the state check refuses it)."""
    now = now or utcnow()
    due = db.session.scalars(select(VendorOrder.id).where(
        VendorOrder.state == VendorOrderState.PENDING_PAYMENT, VendorOrder.reserved_until < now)
        .order_by(VendorOrder.id)).all()
    events = []
    for vendor_order_id in due:
        try:
            events.append(change_state(vendor_order_id, VendorOrderState.CANCELLED, Actor.SYSTEM))
        except TransitionRefused:
            continue
    return events
