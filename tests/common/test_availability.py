import pytest

from marketplace.catalog.availability import (
    StockStatus,
    in_season,
    months_mask,
    season_months,
    stock_status,
)


def test_season_mask_round_trip():
    mask = months_mask([7, 8, 9])
    assert season_months(mask) == [7, 8, 9]
    assert in_season(mask, 8) and not in_season(mask, 11)
    assert in_season(months_mask([]), 11)  # all year


def test_months_outside_1_to_12_are_refused():
    with pytest.raises(ValueError):
        months_mask([13])


@pytest.mark.parametrize("quantity, mask, month, status", [
    (50, 0, 11, StockStatus.IN_STOCK),
    (10, 0, 11, StockStatus.LOW_STOCK),
    (1, 0, 11, StockStatus.LOW_STOCK),
    (0, 0, 11, StockStatus.OUT_OF_STOCK),
    (50, months_mask([7, 8, 9]), 11, StockStatus.OUT_OF_SEASON),
    (0, months_mask([7, 8, 9]), 8, StockStatus.OUT_OF_STOCK),
])
def test_stock_status(quantity, mask, month, status):
    assert stock_status(quantity, mask, month) == status
