"""VAT and totals, in one place for orders, e-invoices and the ledger (docs: einvoice-vn.md).

Money is an integer number of đồng. One rounding rule everywhere: to whole đồng, half up (away
from zero), applied to each line amount and to each rate's tax. Pure: no Flask, no database.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


class VatRate(enum.StrEnum):
    """A VAT rate as an e-invoice writes it (TSuat)."""

    NOT_SUBJECT = "KCT"
    ZERO = "0%"
    FIVE = "5%"
    EIGHT = "8%"
    TEN = "10%"

    @property
    def percent(self) -> int:
        return 0 if self is VatRate.NOT_SUBJECT else int(self.value.rstrip("%"))


def round_dong(value: Decimal) -> int:
    """Whole đồng, half up (away from zero)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Line:
    """What is sold on a line: quantity × unit price − discount, at a VAT rate (prices before VAT)."""

    quantity: Decimal | int
    unit_price: int
    rate: VatRate
    discount: int = 0

    @property
    def amount(self) -> int:
        return round_dong(Decimal(self.quantity) * self.unit_price - self.discount)


@dataclass(frozen=True)
class RateTotal:
    rate: VatRate
    amount: int  # before VAT (ThTien of LTSuat)
    tax: int  # TThue


@dataclass(frozen=True)
class Totals:
    by_rate: tuple[RateTotal, ...]  # one per rate present, in the order of VatRate

    @property
    def amount(self) -> int:
        """Before VAT (TgTCThue)."""
        return sum(r.amount for r in self.by_rate)

    @property
    def tax(self) -> int:
        """TgTThue."""
        return sum(r.tax for r in self.by_rate)

    @property
    def total(self) -> int:
        """To pay (TgTTTBSo)."""
        return self.amount + self.tax


def tax_on(amount: int, rate: VatRate) -> int:
    return round_dong(Decimal(amount) * rate.percent / 100)


def totals(lines: Iterable[Line]) -> Totals:
    """Line amounts summed per rate, then the tax of each rate's sum (not of each line)."""
    sums: dict[VatRate, int] = {}
    for line in lines:
        sums[line.rate] = sums.get(line.rate, 0) + line.amount
    return Totals(tuple(RateTotal(rate, sums[rate], tax_on(sums[rate], rate)) for rate in VatRate if rate in sums))


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _three_digits(number: int, inner: bool) -> list[str]:
    """Words of 0 < number < 1000; `inner` when a higher group precedes it (then "không trăm" and
    "linh" are read, as in 1.005 "một nghìn không trăm linh năm")."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or inner:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 5 and tens:
        words.append("lăm")
    elif units == 1 and tens > 1:
        words.append("mốt")
    elif units:
        words.append(_DIGITS[units])
    return words


def _read(number: int, inner: bool = False) -> list[str]:
    """Words of 0 < number: tỷ by tỷ (1.500 tỷ is "một nghìn năm trăm tỷ"), then triệu, nghìn, units."""
    if number >= 1_000_000_000:
        high, low = divmod(number, 1_000_000_000)
        return _read(high, inner) + ["tỷ"] + (_read(low, inner=True) if low else [])
    words = []
    for divisor, scale in ((1_000_000, "triệu"), (1_000, "nghìn"), (1, "")):
        group = number // divisor % 1000
        if group:
            words += _three_digits(group, inner) + ([scale] if scale else [])
        inner = inner or bool(words)
    return words


def amount_in_words(amount: int) -> str:
    """The amount in Vietnamese words for TgTTTBChu: "Một triệu hai trăm tám mươi bốn nghìn đồng"."""
    if amount == 0:
        return "Không đồng"
    words = (["âm"] if amount < 0 else []) + _read(abs(amount))
    sentence = " ".join([*words, "đồng"])
    return sentence[0].upper() + sentence[1:]
