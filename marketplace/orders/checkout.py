"""What the buyer's pages need around placement: the orders a visitor may see, the buyer's order
history and saved addresses."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ..common.querystring import MAX_ID
from ..extensions import db
from ..labels import label
from ..transaction import write_transaction
from . import states
from .models import Order, SavedAddress, VendorOrder
from .order_links import key_matches
from .states import VendorOrderState

HISTORY_PAGE_SIZE = 20

# The buyer reads these two states their way; the others as labels.label words them.
BUYER_STATE_WORDS = {
    VendorOrderState.PLACED: _l("Placed, waiting for the cooperative"),
    VendorOrderState.CONFIRMED: _l("Confirmed by the cooperative"),
}


def state_words(state: VendorOrderState) -> str:
    return str(BUYER_STATE_WORDS.get(state) or label(state))


def combined_state(order: Order) -> VendorOrderState:
    return states.combined(vendor_order.state for vendor_order in order.vendor_orders)


# --- orders as the buyer sees them -------------------------------------------------------

def _with_parts():
    return select(Order).options(selectinload(Order.vendor_orders).selectinload(VendorOrder.lines),
                                 selectinload(Order.vendor_orders).selectinload(VendorOrder.cooperative))


def is_own(order: Order, user) -> bool:
    """The order was placed by this logged-in buyer."""
    return user.is_authenticated and order.buyer_id == user.id


def viewable_order(number: str, user, key: str | None) -> Order | None:
    """The order if this visitor may see it: the buyer's own, or anyone with its signed key."""
    order = db.session.scalar(_with_parts().where(Order.number == number))
    if order is None:
        return None
    return order if is_own(order, user) or key_matches(order.number, key) else None


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    page: int
    has_next: bool


def buyer_orders(user, page: int) -> OrderPage:
    """The buyer's orders, newest first, a page at a time."""
    found = db.session.scalars(
        select(Order).options(selectinload(Order.vendor_orders)).where(Order.buyer_id == user.id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .offset((page - 1) * HISTORY_PAGE_SIZE).limit(HISTORY_PAGE_SIZE + 1)).all()
    return OrderPage(found[:HISTORY_PAGE_SIZE], page, len(found) > HISTORY_PAGE_SIZE)


# --- saved addresses ---------------------------------------------------------------------

def saved_addresses(user) -> list[SavedAddress]:
    return list(db.session.scalars(select(SavedAddress).where(SavedAddress.user_id == user.id)
                                   .order_by(SavedAddress.created_at.desc(), SavedAddress.id.desc())))


def saved_address(user, address_id: int) -> SavedAddress:
    """One of the buyer's own addresses; LookupError for anyone else's or none."""
    if not 0 < address_id <= MAX_ID:
        raise LookupError(address_id)
    address = db.session.scalar(select(SavedAddress).where(SavedAddress.id == address_id,
                                                            SavedAddress.user_id == user.id))
    if address is None:
        raise LookupError(address_id)
    return address


@write_transaction
def delete_saved_address(user, address_id: int) -> None:
    """LookupError (nothing deleted) for an address that is not the buyer's."""
    deleted = db.session.execute(delete(SavedAddress).where(SavedAddress.id == address_id,
                                                            SavedAddress.user_id == user.id))
    if deleted.rowcount != 1:
        raise LookupError(address_id)
