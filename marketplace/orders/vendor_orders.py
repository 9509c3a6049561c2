"""A cooperative's vendor orders as its staff work through them: the queue by state with counts,
one order of its own, and confirming several at once. Every function is scoped to one
cooperative, so an id from a URL or a form never reaches another cooperative's order."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..common.querystring import MAX_ID
from ..extensions import db
from . import fulfilment, states
from .models import OrderLine, VendorOrder, VendorOrderEvent
from .states import Actor, TransitionRefused, VendorOrderState

S = VendorOrderState
PER_PAGE = 30
# The queue's tabs: what waits for the cooperative first, then the rest of an order's life.
QUEUE_STATES = (S.PLACED, S.CONFIRMED, S.PACKED, S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PENDING_PAYMENT,
                S.CANCELLED)


@dataclass(frozen=True)
class QueueRow:
    vendor_order: VendorOrder
    line_count: int


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    page: int
    has_next: bool


@dataclass
class BulkConfirmation:
    """Codes of the vendor orders confirmed, and of those that had moved on (or were cancelled)
    first; the confirmations' records, for telling the buyers."""

    confirmed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    events: list[VendorOrderEvent] = field(default_factory=list)


def counts_by_state(cooperative_id: int) -> dict[VendorOrderState, int]:
    """How many vendor orders the cooperative has in each state (0 included), in QUEUE_STATES order."""
    found = dict(db.session.execute(
        select(VendorOrder.state, func.count()).where(VendorOrder.cooperative_id == cooperative_id)
        .group_by(VendorOrder.state)).all())
    return {state: found.get(state, 0) for state in QUEUE_STATES}


def waits_for_cooperative(state: VendorOrderState) -> bool:
    """The cooperative moves an order in this state forward next (not only cancels it)."""
    return any(target != S.CANCELLED for target in states.next_states(state, Actor.COOPERATIVE))


def queue(cooperative_id: int, state: VendorOrderState, page: int = 1) -> QueuePage:
    """One page of the cooperative's vendor orders in `state`, each with its number of lines.

    Orders waiting for the cooperative come oldest first (first ordered, first served);
    the others newest first."""
    line_count = (select(func.count(OrderLine.id)).where(OrderLine.vendor_order_id == VendorOrder.id)
                  .correlate(VendorOrder).scalar_subquery())
    oldest_first = waits_for_cooperative(state)
    order = ((VendorOrder.created_at.asc(), VendorOrder.id.asc()) if oldest_first
             else (VendorOrder.created_at.desc(), VendorOrder.id.desc()))
    rows = db.session.execute(
        select(VendorOrder, line_count).options(joinedload(VendorOrder.order))
        .where(VendorOrder.cooperative_id == cooperative_id, VendorOrder.state == state)
        .order_by(*order).offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    return QueuePage([QueueRow(vendor_order, count) for vendor_order, count in rows[:PER_PAGE]], page,
                     len(rows) > PER_PAGE)


def vendor_order_of(cooperative_id: int, vendor_order_id: int) -> VendorOrder | None:
    """The cooperative's vendor order with this id, with its order, lines and history; None for
    any other (another cooperative's, or none)."""
    return db.session.scalar(
        select(VendorOrder)
        .options(joinedload(VendorOrder.order), joinedload(VendorOrder.cooperative),
                 selectinload(VendorOrder.lines),
                 selectinload(VendorOrder.events).joinedload(VendorOrderEvent.user))
        .where(VendorOrder.id == vendor_order_id, VendorOrder.cooperative_id == cooperative_id))


def confirm_selected(cooperative_id: int, vendor_order_ids, user) -> BulkConfirmation:
    """Confirm each of the cooperative's vendor orders among `vendor_order_ids`, each in its own
    transaction. Ids of other cooperatives' orders (or of none) are left out without a word."""
    wanted = {i for i in vendor_order_ids if 0 < i <= MAX_ID}
    own = db.session.execute(
        select(VendorOrder.id, VendorOrder.code)
        .where(VendorOrder.cooperative_id == cooperative_id, VendorOrder.id.in_(wanted))
        .order_by(VendorOrder.id)).all()
    result = BulkConfirmation()
    for vendor_order_id, code in own:
        try:
            event = fulfilment.change_state(vendor_order_id, S.CONFIRMED, Actor.COOPERATIVE, user)
        except TransitionRefused:
            result.skipped.append(code)
        else:
            result.confirmed.append(code)
            result.events.append(event)
    return result
