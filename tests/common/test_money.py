"""VAT, totals and amounts in words: the one rule orders, e-invoices and the ledger share."""
from decimal import Decimal

import pytest

from marketplace.common.money import Line, VatRate, amount_in_words, round_dong, tax_on, totals


@pytest.mark.parametrize("value, expected", [
    ("2.5", 3), ("2.4999", 2), ("-2.5", -3), ("0.5", 1), ("1000000.5", 1000001)])
def test_rounding_is_to_whole_dong_half_up(value, expected):
    assert round_dong(Decimal(value)) == expected


def test_tax_is_computed_on_each_rates_sum_not_on_each_line():
    lines = [Line(1, 10_010, VatRate.FIVE), Line(1, 10_010, VatRate.FIVE)]
    # per line: 500.5 -> 501 twice = 1002; on the sum: 20020 x 5% = 1001
    assert totals(lines).tax == 1001


def test_totals_group_by_rate_in_a_fixed_order():
    lines = [
        Line(3, 85_000, VatRate.NOT_SUBJECT),          # na: 255,000, no VAT
        Line(2, 180_000, VatRate.FIVE, discount=10_000),  # honey: 350,000 at 5% = 17,500
        Line(Decimal("1.5"), 33_333, VatRate.EIGHT),    # 49,999.5 -> 50,000 at 8% = 4,000
        Line(1, 30_000, VatRate.EIGHT),                 # shipping, its own line
    ]
    result = totals(lines)
    assert [(r.rate, r.amount, r.tax) for r in result.by_rate] == [
        (VatRate.NOT_SUBJECT, 255_000, 0), (VatRate.FIVE, 350_000, 17_500), (VatRate.EIGHT, 80_000, 6_400)]
    assert (result.amount, result.tax, result.total) == (685_000, 23_900, 708_900)
    assert totals([]).total == 0


@pytest.mark.parametrize("rate, tax", [(VatRate.NOT_SUBJECT, 0), (VatRate.ZERO, 0), (VatRate.FIVE, 6),
                                       (VatRate.EIGHT, 9), (VatRate.TEN, 11)])
def test_tax_of_each_rate(rate, tax):
    assert tax_on(111, rate) == tax  # 5.55 -> 6, 8.88 -> 9, 11.1 -> 11


@pytest.mark.parametrize("amount, words", [
    (0, "Không đồng"),
    (4, "Bốn đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (25, "Hai mươi lăm đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (1_000, "Một nghìn đồng"),
    (1_010, "Một nghìn không trăm mười đồng"),
    (85_000, "Tám mươi lăm nghìn đồng"),
    (1_284_000, "Một triệu hai trăm tám mươi bốn nghìn đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (2_000_050, "Hai triệu không trăm năm mươi đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"),
    (-50_000, "Âm năm mươi nghìn đồng"),
])
def test_amounts_in_vietnamese_words(amount, words):
    assert amount_in_words(amount) == words
