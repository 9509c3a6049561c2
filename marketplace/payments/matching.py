"""Vendor order codes found in bank transfer messages, and what each credit line of a statement
probably pays.

A vendor order code is CHX-, the order number (two digits of the year and six more) and the part
number: CHX-26123456-1. Buyers and banks mangle it (case, spaces, dashes dropped or doubled, words
glued before and after), so it is read tolerantly. Pure: no Flask, no database.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from .statements import StatementLine

ORDER_DIGITS = 8
MAX_PART_DIGITS = 2

# Proposal kinds
EXACT = "exact"
PARTIAL = "partial"
OVER = "over"
UNMATCHED = "unmatched"
AMBIGUOUS = "ambiguous"


def find_codes(message: str, prefix: str = "CHX", known: Collection[str] | None = None) -> list[str]:
    """The vendor order codes in a transfer message, normalised to CHX-26123456-1, each once, in
    the order they appear.

    Digits may be split by spaces, dots, dashes or underscores anywhere after the prefix. When the
    part is glued to the order number it has one or two digits (CHX2612345612: part 12, or part 1
    followed by a stray 2): the reading that is one of the `known` codes wins, else part 12. With
    `known` codes, an order number without a part ("CHX-26123456") is read as the one known code of
    that order, if there is exactly one.
    """
    prefix = prefix.upper()
    codes: list[str] = []
    for match in _code_pattern(prefix).finditer(message.upper()):
        read = _order_and_parts(re.findall(r"\d+", match[1]))
        code = _chosen(f"{prefix}-{read[0]}", read[1], known or ()) if read else None
        if code and code not in codes:
            codes.append(code)
    return codes


@lru_cache(maxsize=8)
def _code_pattern(prefix: str) -> re.Pattern:
    # No word boundary before the prefix: banks glue their own words and numbers to the message.
    return re.compile(rf"{re.escape(prefix)}((?:[\s._:#-]*\d+)+)")


def _order_and_parts(groups: list[str]) -> tuple[str, list[int]] | None:
    """The order number in the digit groups that follow a prefix, and the part numbers they can
    mean, the likeliest first (none when no part was written); None when they are no code."""
    digits, used = "", 0
    while len(digits) < ORDER_DIGITS and used < len(groups):
        digits, used = digits + groups[used], used + 1
    order, glued = digits[:ORDER_DIGITS], digits[ORDER_DIGITS:]
    if len(order) < ORDER_DIGITS or len(glued) > MAX_PART_DIGITS:
        return None
    if glued:  # CHX2612345612: part 12, or part 1 and a stray 2
        parts = [glued, glued[0]] if len(glued) > 1 else [glued]
    elif used < len(groups) and len(groups[used]) <= MAX_PART_DIGITS:
        parts = [groups[used]]
    else:  # nothing, or a longer number (a phone number, an account) after the order number
        parts = []
    numbers = [int(part) for part in parts if int(part) > 0]
    return (order, numbers) if numbers or not parts else None


def _chosen(order: str, parts: list[int], known: Collection[str]) -> str | None:
    """The code meant: the first reading that is known, else the likeliest one; without a part,
    the one known code of the order."""
    codes = [f"{order}-{part}" for part in parts]
    if not codes:
        of_order = [code for code in known if code.startswith(order + "-")]
        return of_order[0] if len(of_order) == 1 else None
    return next((code for code in codes if code in known), codes[0])


@dataclass(frozen=True)
class Allocation:
    """Part of a line's amount proposed as payment of one vendor order."""

    code: str
    amount: int
    due_before: int  # what was still due on the code before this line


@dataclass(frozen=True)
class Proposal:
    """What a credit line probably pays.

    EXACT: one known code and the amount is what is due, or several known codes whose dues add up
    to the amount (one allocation each). PARTIAL / OVER: one known code, the amount is less / more
    than due; `difference` is amount minus due. AMBIGUOUS: several known codes and the amount is
    not their sum: `codes` lists them, nothing is allocated. UNMATCHED: no known code.
    `unknown_codes` are the codes in the message that are not open for this cooperative (another
    cooperative's orders, paid ones, mistyped ones): never matched, shown for the record.
    """

    line: StatementLine
    kind: str
    codes: tuple[str, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    difference: int = 0
    unknown_codes: tuple[str, ...] = ()


def propose(lines: Iterable[StatementLine], open_parts: Mapping[str, int], prefix: str = "CHX") -> list[Proposal]:
    """One proposal per line, in the lines' order. `open_parts` maps each of ONE cooperative's open
    vendor order codes to the amount still due on it. Lines are weighed in date order (stable, so
    file order within a day): a line paying a code already paid by an earlier one is measured
    against what remains."""
    lines = list(lines)
    remaining = dict(open_parts)
    by_line: dict[int, Proposal] = {}
    for index in sorted(range(len(lines)), key=lambda i: lines[i].booked_on):
        proposal = _proposal(lines[index], remaining, prefix)
        for allocation in proposal.allocations:
            remaining[allocation.code] = max(0, remaining[allocation.code] - allocation.amount)
        by_line[index] = proposal
    return [by_line[index] for index in range(len(lines))]


def _proposal(line: StatementLine, remaining: Mapping[str, int], prefix: str) -> Proposal:
    found = find_codes(line.message, prefix, known=remaining.keys())
    codes = tuple(code for code in found if code in remaining)
    unknown = tuple(code for code in found if code not in remaining)
    if not codes:
        return Proposal(line, UNMATCHED, unknown_codes=unknown)
    due = sum(remaining[code] for code in codes)
    difference = line.amount - due
    if len(codes) > 1:
        if difference:
            return Proposal(line, AMBIGUOUS, codes, unknown_codes=unknown)
        allocations = tuple(Allocation(code, remaining[code], remaining[code]) for code in codes)
        return Proposal(line, EXACT, codes, allocations, unknown_codes=unknown)
    kind = EXACT if difference == 0 else PARTIAL if difference < 0 else OVER
    allocation = Allocation(codes[0], line.amount, remaining[codes[0]])
    return Proposal(line, kind, codes, (allocation,), difference, unknown)
