"""What a cooperative charges to ship one parcel: its settings, and the one rule checkout applies.

Money in integer đồng, weights in grams. A parcel costs a flat fee plus a fee per started
kilogram (1,001 g counts as 2 kg); within the cooperative's own province both fees may differ;
an order worth at least the free-shipping threshold ships free.
"""
from __future__ import annotations

from dataclasses import dataclass

GRAMS_PER_KG = 1000


@dataclass(frozen=True)
class ShippingRates:
    flat_fee: int
    fee_per_kg: int
    free_shipping_threshold: int | None = None  # None: never free
    in_province_flat_fee: int | None = None  # None: as elsewhere
    in_province_fee_per_kg: int | None = None  # None: as elsewhere


def started_kilograms(weight_grams: int) -> int:
    return -(-weight_grams // GRAMS_PER_KG)


def shipping_fee(rates: ShippingRates, weight_grams: int, order_total: int, in_province: bool) -> int:
    """The fee in đồng for a parcel of this weight, for an order of this value (đồng)."""
    if rates.free_shipping_threshold is not None and order_total >= rates.free_shipping_threshold:
        return 0
    flat_fee, fee_per_kg = rates.flat_fee, rates.fee_per_kg
    if in_province:
        flat_fee = _or(rates.in_province_flat_fee, flat_fee)
        fee_per_kg = _or(rates.in_province_fee_per_kg, fee_per_kg)
    return flat_fee + started_kilograms(weight_grams) * fee_per_kg


def _or(value: int | None, default: int) -> int:
    return default if value is None else value
