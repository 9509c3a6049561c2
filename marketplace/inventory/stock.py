"""Stock changes: every change is a movement, applied to the product's cached stock by one
conditional UPDATE in the caller's transaction, so concurrent changes never lose one another
and stock never goes below zero (the CHECK constraint stands behind the condition). A sale, or
its cancellation, moves the product's sold count in the same statement.

The storefront's cached pages are refreshed only when the change shows on them (stock near or at
zero); a sale of one among hundreds in stock leaves them be, so checkouts do not empty every
process's page cache. The best-selling order follows within the cache's lifetime."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Integer, Update, bindparam, func, insert, select, update

from ..catalog import availability, cache
from ..catalog.models import Product
from ..extensions import db
from .models import MovementReason, StockMovement


PRODUCTS = Product.__table__
# Movements that sell, or take a sale back: sold_count moves against the stock.
COUNTED_AS_SOLD = frozenset({MovementReason.SALE, MovementReason.CANCELLATION})


class InsufficientStock(Exception):
    """Taking this many would leave the product's stock below zero; `available` is what there is."""

    def __init__(self, product_id: int, available: int):
        super().__init__(f"product {product_id}: only {available} left")
        self.product_id, self.available = product_id, available


@dataclass(frozen=True)
class Movement:
    product_id: int
    quantity: int  # negative to take
    reference: str = ""


def move(product_id: int, quantity: int, reason: MovementReason, *, user=None, lot_id: int | None = None,
         reference: str = "", note: str = "") -> None:
    """Record a movement of `quantity` (negative to take) and apply it; raises InsufficientStock.

    Call inside a write transaction: the movement and the new stock commit together or not at all.
    """
    move_all([Movement(product_id, quantity, reference or "")], reason, user=user, lot_id=lot_id, note=note)


def move_all(movements: list[Movement], reason: MovementReason, *, user=None, lot_id: int | None = None,
             note: str = "") -> None:
    """Apply the movements in their order and record them; raises InsufficientStock at the first
    that cannot be applied (the caller's transaction then rolls back the ones before it). Callers
    that move several products order them by product id, so that concurrent ones lock the same
    rows in the same order and cannot deadlock."""
    if any(movement.quantity == 0 for movement in movements):
        raise ValueError("a stock movement moves something")
    for movement in movements:
        _apply(movement.product_id, movement.quantity, reason)
    # Statements on the tables: the ORM's bulk machinery costs more than these statements.
    user_id = user.id if user is not None else None
    db.session.execute(insert(StockMovement.__table__), [
        dict(product_id=movement.product_id, quantity=movement.quantity, reason=reason, lot_id=lot_id,
             user_id=user_id, reference=movement.reference[:40], note=(note or "")[:300])
        for movement in movements])


@lru_cache(maxsize=2)
def _conditional_update(counted_as_sold: bool) -> Update:
    """Built once: SQLAlchemy then computes its cache key once, not at every movement."""
    quantity = bindparam("quantity", type_=Integer)
    values = {"stock_quantity": PRODUCTS.c.stock_quantity + quantity}
    if counted_as_sold:
        values["sold_count"] = PRODUCTS.c.sold_count - quantity
    return (update(PRODUCTS)
            .where(PRODUCTS.c.id == bindparam("product"), PRODUCTS.c.stock_quantity + quantity >= 0)
            .values(values)
            .returning(PRODUCTS.c.stock_quantity))


def _apply(product_id: int, quantity: int, reason: MovementReason) -> None:
    """One conditional UPDATE: the stock moves unless it would go below zero."""
    applied = db.session.execute(_conditional_update(reason in COUNTED_AS_SOLD),
                                 {"product": product_id, "quantity": quantity}).scalar_one_or_none()
    if applied is None:
        available = db.session.scalar(select(Product.stock_quantity).where(Product.id == product_id))
        if available is None:
            raise LookupError(product_id)
        raise InsufficientStock(product_id, available)
    _refresh_cached_stock(product_id)
    if availability.shown_differently(applied - quantity, applied):
        cache.note_listing_changed(db.session)


def _refresh_cached_stock(product_id: int) -> None:
    """A Product already loaded in this session shows the new stock, not the one it was loaded with."""
    loaded = db.session.identity_map.get(db.session.identity_key(Product, product_id))
    if loaded is not None:
        db.session.expire(loaded, ["stock_quantity", "sold_count", "updated_at"])


def movements_total(product_id: int) -> int:
    """The sum of the product's movements: what its stock_quantity must equal."""
    return db.session.scalar(
        select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(StockMovement.product_id == product_id))
