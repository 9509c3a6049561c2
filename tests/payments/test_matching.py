"""Order codes in transfer messages, and what each credit line of a statement is proposed to pay."""
from datetime import date
from pathlib import Path

import pytest

from marketplace.payments.matching import (
    AMBIGUOUS, EXACT, OVER, PARTIAL, UNMATCHED, Allocation, find_codes, propose)
from marketplace.payments.statements import PRESETS, StatementLine, read_statement

CODE = "CHX-26123456-1"


def credit(amount: int, message: str, day: int = 2, row: int = 2) -> StatementLine:
    return StatementLine(row, date(2026, 5, day), amount, message, f"FT{row}")


@pytest.mark.parametrize("message", [
    "CHX-26123456-1",
    "chx26123456 1",
    "CHX 26123456-1",
    "CHX-26123456-1.",
    "CHX261234561",
    "MBVCB.3279.CHX261234561.CT tu 0123 NGUYEN VAN A",
    "IBFT Chx_26123456_1 thanh toan",
    "CHX--26123456--1 (ship nhanh)",
    "CHX.26123456.1",
    "CHX 26 123 456 - 1",
    "CHX: 26123456 #1",
    "NGUYEN VAN A chuyen tien CHX-26123456-1 FT26122508341001",
    "CT DEN:612208123456 thanh toanCHX-26123456-1xong",
    "CHX-26123456-01",
    "chx-26123456-1 CHX261234561 (repeated)",
    "CHX-26123456-1 0912345678",
])
def test_find_codes_reads_messy_messages(message):
    assert find_codes(message) == [CODE]


@pytest.mark.parametrize("message", [
    "0912345678",
    "+84912345678 chuyen tien",
    "CT tu 0123456789 NGUYEN VAN A toi 1017595600 HTX NA CHI LANG",
    "STK 19037134677017 ngay 02/05/2026",
    "MBVCB.4525077405.9P0019630833 CT",
    "26123456-1",
    "CHX-2612345-1",
    "CHX 2612345 0912345678",
    "CHX26123456123",
    "CHX-26123456-0",
    "CHX thanh toan don hang",
    "HTX Na Chi Lang chuyen tien",
    "",
])
def test_find_codes_finds_nothing_in_phone_account_and_other_numbers(message):
    assert find_codes(message) == []


def test_several_codes_are_found_in_order():
    assert find_codes("TRAN VAN C chuyen tien CHX-26555111-1. CHX-26555222-1, chx 26555333 2") == \
        ["CHX-26555111-1", "CHX-26555222-1", "CHX-26555333-2"]


def test_two_digit_parts_are_read_when_separated_or_glued():
    assert find_codes("CHX-26123456-12") == ["CHX-26123456-12"]
    assert find_codes("CHX2612345612") == ["CHX-26123456-12"]


def test_a_glued_part_prefers_the_reading_that_is_a_known_code():
    assert find_codes("CHX2612345612", known={"CHX-26123456-1"}) == ["CHX-26123456-1"]
    assert find_codes("CHX2612345612", known={"CHX-26123456-12"}) == ["CHX-26123456-12"]
    assert find_codes("CHX2612345612", known={"CHX-26999999-1"}) == ["CHX-26123456-12"]


def test_an_order_number_without_its_part_is_read_only_as_the_one_known_code_of_that_order():
    assert find_codes("thanh toan CHX-26123456") == []
    assert find_codes("thanh toan CHX-26123456", known={"CHX-26123456-2"}) == ["CHX-26123456-2"]
    assert find_codes("CHX 26123456 0912345678", known={"CHX-26123456-2", "CHX-26000000-1"}) == ["CHX-26123456-2"]
    assert find_codes("CHX-26123456", known={"CHX-26123456-1", "CHX-26123456-2"}) == []


def test_a_part_that_is_given_is_never_replaced_by_a_known_one():
    assert find_codes("CHX-26123456-2", known={"CHX-26123456-1"}) == ["CHX-26123456-2"]


def test_another_prefix():
    assert find_codes("thanh toan abc.26123456.3", prefix="ABC") == ["ABC-26123456-3"]
    assert find_codes("thanh toan CHX-26123456-3", prefix="ABC") == []


# --- proposals ---

def test_exact_when_the_amount_is_what_is_due():
    [proposal] = propose([credit(1_050_000, "MBVCB.3279.CHX261234561.CT tu 0123")], {CODE: 1_050_000})
    assert (proposal.kind, proposal.codes, proposal.difference) == (EXACT, (CODE,), 0)
    assert proposal.allocations == (Allocation(CODE, 1_050_000, 1_050_000),)


def test_partial_and_over_carry_the_difference():
    partial, over = propose([credit(500_000, "CHX-26123456-1"), credit(900_000, "CHX-26000001-1", row=3)],
                            {CODE: 1_050_000, "CHX-26000001-1": 850_000})
    assert (partial.kind, partial.difference, partial.allocations) == \
        (PARTIAL, -550_000, (Allocation(CODE, 500_000, 1_050_000),))
    assert (over.kind, over.difference, over.allocations) == \
        (OVER, 50_000, (Allocation("CHX-26000001-1", 900_000, 850_000),))


def test_unmatched_without_a_code():
    [proposal] = propose([credit(150_000, "Hoan tien dat coc 0912345678")], {CODE: 150_000})
    assert (proposal.kind, proposal.codes, proposal.allocations, proposal.unknown_codes) == (UNMATCHED, (), (), ())


def test_another_cooperative_s_code_is_never_matched():
    # Part 2 of the same order belongs to another cooperative: this one's part 1 is not taken instead.
    [proposal] = propose([credit(640_000, "CHX-26123456-2 thanh toan")], {CODE: 640_000})
    assert (proposal.kind, proposal.allocations, proposal.unknown_codes) == (UNMATCHED, (), ("CHX-26123456-2",))


def test_a_known_code_beside_an_unknown_one_is_matched_alone():
    [proposal] = propose([credit(640_000, "CHX-26123456-1 CHX-26123456-2")], {CODE: 640_000})
    assert (proposal.kind, proposal.codes, proposal.unknown_codes) == (EXACT, (CODE,), ("CHX-26123456-2",))


def test_several_known_codes_are_ambiguous_unless_the_amount_is_their_sum():
    open_parts = {"CHX-26555111-1": 1_300_000, "CHX-26555222-1": 1_000_000}
    message = "TRAN VAN C chuyen tien CHX-26555111-1. CHX-26555222-1"
    [unclear] = propose([credit(2_000_000, message)], open_parts)
    assert (unclear.kind, unclear.codes, unclear.allocations) == \
        (AMBIGUOUS, ("CHX-26555111-1", "CHX-26555222-1"), ())
    [split] = propose([credit(2_300_000, message)], open_parts)
    assert (split.kind, split.difference) == (EXACT, 0)
    assert split.allocations == (Allocation("CHX-26555111-1", 1_300_000, 1_300_000),
                                 Allocation("CHX-26555222-1", 1_000_000, 1_000_000))


def test_a_second_line_for_the_same_code_is_measured_against_what_remains():
    first, second, third = propose([credit(780_000, "CHX 26 123 456-1", day=2),
                                    credit(300_000, "lan 2 CHX-26123456-1", day=6, row=3),
                                    credit(50_000, "lan 3 CHX-26123456-1", day=7, row=4)],
                                   {CODE: 1_080_000})
    assert (first.kind, first.difference) == (PARTIAL, -300_000)
    assert (second.kind, second.allocations) == (EXACT, (Allocation(CODE, 300_000, 300_000),))
    assert (third.kind, third.difference, third.allocations) == (OVER, 50_000, (Allocation(CODE, 50_000, 0),))


def test_lines_are_weighed_in_date_order_and_returned_in_file_order():
    # A bank that lists the newest line first.
    newest, oldest = propose([credit(300_000, "CHX-26123456-1", day=6, row=2),
                              credit(780_000, "CHX-26123456-1", day=2, row=3)], {CODE: 1_080_000})
    assert (newest.line.row, newest.kind) == (2, EXACT)
    assert (oldest.line.row, oldest.kind, oldest.difference) == (3, PARTIAL, -300_000)


def test_the_caller_s_open_parts_are_left_as_they_were():
    open_parts = {CODE: 1_050_000}
    propose([credit(1_050_000, CODE)], open_parts)
    assert open_parts == {CODE: 1_050_000}


def test_proposals_for_a_whole_sample_statement():
    name = "vietinbank_2026-05.csv"
    lines = read_statement((Path(__file__).parent / "statements" / name).read_bytes(), name, PRESETS["970415"]).lines
    proposals = propose(lines, {"CHX-26201301-1": 1_080_000, "CHX-26201302-1": 1_250_000})
    assert [(p.line.row, p.kind, p.codes, p.difference) for p in proposals] == [
        (10, PARTIAL, ("CHX-26201301-1",), -300_000),
        (12, EXACT, ("CHX-26201302-1",), 0),
        (15, EXACT, ("CHX-26201301-1",), 0),
        (16, UNMATCHED, (), 0),
    ]
