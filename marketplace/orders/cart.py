"""What a cart holds and what it costs, as plain values: the rules of quantities (minimum,
maximum, what is in stock), price changes since an item was added, and one group per cooperative
with its subtotal and shipping fee. Pure: no Flask, no database; the cart service feeds it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..vendors.shipping import ShippingRates, shipping_fee


@dataclass(frozen=True)
class Offer:
    """A product as a buyer can order it now."""

    product_id: int
    cooperative_id: int
    price: int
    min_quantity: int
    max_quantity: int | None
    in_stock: int
    weight_grams: int
    on_sale: bool  # published, of an approved cooperative, in season


@dataclass(frozen=True)
class Problem:
    """Why a quantity cannot be ordered as asked: `kind` and the number it is about."""

    kind: str
    limit: int = 0


NOT_ON_SALE = "not_on_sale"
BELOW_MINIMUM = "below_minimum"
ABOVE_MAXIMUM = "above_maximum"
NOT_ENOUGH_STOCK = "not_enough_stock"


def problem_with(offer: Offer, quantity: int) -> Problem | None:
    """None when `quantity` of the offer can be ordered, else the first rule it breaks."""
    if not offer.on_sale or offer.in_stock <= 0:
        return Problem(NOT_ON_SALE)
    if quantity < offer.min_quantity:
        return Problem(BELOW_MINIMUM, offer.min_quantity)
    if offer.max_quantity is not None and quantity > offer.max_quantity:
        return Problem(ABOVE_MAXIMUM, offer.max_quantity)
    if quantity > offer.in_stock:
        return Problem(NOT_ENOUGH_STOCK, offer.in_stock)
    return None


@dataclass(frozen=True)
class Item:
    offer: Offer
    quantity: int
    price_when_added: int

    @property
    def amount(self) -> int:
        return self.offer.price * self.quantity

    @property
    def price_changed(self) -> bool:
        return self.offer.price != self.price_when_added

    @property
    def problem(self) -> Problem | None:
        return problem_with(self.offer, self.quantity)


@dataclass(frozen=True)
class CooperativeGroup:
    """One cooperative's part of the cart: it becomes one vendor order."""

    cooperative_id: int
    items: tuple[Item, ...]
    shipping: int

    @property
    def subtotal(self) -> int:
        return sum(item.amount for item in self.items)

    @property
    def weight_grams(self) -> int:
        return sum(item.offer.weight_grams * item.quantity for item in self.items)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping


def groups(items: Iterable[Item], rates: dict[int, ShippingRates], in_province: dict[int, bool]) -> list[CooperativeGroup]:
    """The items by cooperative (in the order they first appear), each group with its shipping fee
    for its weight and subtotal; `in_province` says per cooperative whether the address is in its
    own province (unknown before an address is given: False)."""
    by_cooperative: dict[int, list[Item]] = {}
    for item in items:
        by_cooperative.setdefault(item.offer.cooperative_id, []).append(item)
    result = []
    for cooperative_id, its_items in by_cooperative.items():
        unpriced = CooperativeGroup(cooperative_id, tuple(its_items), shipping=0)
        fee = shipping_fee(rates[cooperative_id], unpriced.weight_grams, unpriced.subtotal,
                           in_province.get(cooperative_id, False))
        result.append(replace(unpriced, shipping=fee))
    return result
