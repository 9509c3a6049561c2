"""What a buyer is told about a product's availability. Pure: plain values in, plain values out."""
from __future__ import annotations

import enum
from collections.abc import Iterable

ALL_YEAR = 0
LOW_STOCK_AT = 10  # "only N left" from this many units down


class StockStatus(enum.StrEnum):
    IN_STOCK = "in_stock"
    LOW_STOCK = "low_stock"
    OUT_OF_STOCK = "out_of_stock"
    OUT_OF_SEASON = "out_of_season"


def months_mask(months: Iterable[int]) -> int:
    """The season as a bit mask: bit m-1 for month m. No months means all year."""
    mask = 0
    for month in months:
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not 1..12")
        mask |= 1 << (month - 1)
    return mask


def season_months(mask: int) -> list[int]:
    return [month for month in range(1, 13) if mask & (1 << (month - 1))]


def in_season(mask: int, month: int) -> bool:
    return mask == ALL_YEAR or bool(mask & (1 << (month - 1)))


def shown_differently(before: int, after: int) -> bool:
    """Whether a buyer could tell the two stock levels apart: "only N left" or out of stock on
    either side (a change among plenty shows only as "in stock")."""
    return before != after and min(before, after) <= LOW_STOCK_AT


def stock_status(quantity: int, season_mask: int, month: int) -> StockStatus:
    if not in_season(season_mask, month):
        return StockStatus.OUT_OF_SEASON
    if quantity <= 0:
        return StockStatus.OUT_OF_STOCK
    if quantity <= LOW_STOCK_AT:
        return StockStatus.LOW_STOCK
    return StockStatus.IN_STOCK
