"""Reading bank statement exports: the presets on sample files, amounts and dates in every form
banks write them, encodings and delimiters, problems by row, and duplicate fingerprints."""
import csv
import io
import json
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from marketplace.payments import statements
from marketplace.payments.statements import (
    PRESETS, ColumnMapping, DateFormat, RowProblem, StatementLine, line_fingerprint, parse_amount, parse_date,
    read_statement)

SAMPLES = Path(__file__).parent / "statements"
MAPPING = ColumnMapping(date="Ngày giao dịch", message="Nội dung", reference="Mã GD", credit="Có", debit="Nợ")
HEADER = ["Ngày giao dịch", "Mã GD", "Nợ", "Có", "Nội dung"]


def csv_bytes(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_sample(name: str, bank_bin: str):
    return read_statement((SAMPLES / name).read_bytes(), name, PRESETS[bank_bin])


def summary(result):
    return [(line.row, line.booked_on, line.amount, line.bank_reference) for line in result.lines]


# --- the presets on the sample exports ---

def test_vietcombank_sample_gives_its_credits_and_reports_the_bad_date():
    result = read_sample("vietcombank_2026-05.xlsx", "970436")
    assert summary(result) == [
        (10, date(2026, 5, 2), 1_050_000, "5213.20935"),
        (12, date(2026, 5, 3), 500_000, "5220.40811"),
        (13, date(2026, 5, 4), 2_300_000, "5231.77104"),
        (16, date(2026, 5, 6), 150_000, "5252.31415"),
    ]
    assert result.lines[0].message.startswith("MBVCB.3279.CHX261234561.CT tu 0123456789 NGUYEN VAN A")
    assert result.problems == [RowProblem(14, statements.BAD_DATE, "31/04/2026")]
    assert result.debits == 2


def test_vietinbank_sample_reads_a_semicolon_csv_with_times_and_dot_thousands():
    result = read_sample("vietinbank_2026-05.csv", "970415")
    assert summary(result) == [
        (10, date(2026, 5, 2), 780_000, "612208123456"),
        (12, date(2026, 5, 3), 1_250_000, "612314000222"),
        (15, date(2026, 5, 6), 300_000, "612616000444"),
        (16, date(2026, 5, 7), 50_000, "612717000555"),
    ]
    assert result.lines[1].message == \
        "CT DEN:612314000222 TRAN THI BICH thanh toan don CHX--26201302--1 (ship nhanh)"
    assert result.problems == [RowProblem(13, statements.BAD_DATE, "04/05/2026 25:61:00")]
    assert result.debits == 2


def test_techcombank_sample_reads_excel_dates_numbers_and_two_line_messages():
    result = read_sample("techcombank_2026-05.xlsx", "970407")
    assert summary(result) == [
        (11, date(2026, 5, 2), 640_000, "FT26122508341001"),
        (13, date(2026, 5, 3), 1_200_000, "FT26123100020001"),
        (16, date(2026, 5, 6), 350_000, "FT26126300050004"),
    ]
    assert result.lines[0].message == "MBVCB.4525077405.CHX-26123999-2 thanh toan don hang mat ong"
    assert result.problems == [RowProblem(14, statements.BAD_DATE, "2026-05-04")]
    assert result.debits == 2


def test_every_preset_is_keyed_by_a_known_bank_bin():
    from marketplace.common.banks import BANKS
    assert set(PRESETS) <= set(BANKS) and len(PRESETS) == 3


# --- amounts and dates ---

@pytest.mark.parametrize("cell", [
    "1.050.000", "1,050,000", "1 050 000", "+1,050,000.00", "1050000 VND", "1.050.000 VNĐ", "1.050.000đ",
    "1,050,000 ₫", "1050000", "1.050.000,00", "1050000.000", "\u00a01\u00a0050\u00a0000 ", 1_050_000, 1_050_000.0,
])
def test_amounts_in_every_form_read_as_whole_dong(cell):
    assert parse_amount(cell) == 1_050_000


@pytest.mark.parametrize("cell, amount", [
    ("-22,000", -22_000), ("(22,000)", -22_000), ("-22.000", -22_000), ("1,050", 1_050), ("0", 0), ("500", 500),
])
def test_signs_and_short_amounts(cell, amount):
    assert parse_amount(cell) == amount


@pytest.mark.parametrize("cell", ["", None, "-", "   ", "VND"])
def test_a_cell_without_digits_is_no_amount(cell):
    assert parse_amount(cell) is None


@pytest.mark.parametrize("cell", [
    "1,050,000.50", "1.5", "1,05", "12,5", 1_050_000.5, "1,050,000,00", "1.050.000.00", "1O5OOOO", "1,0500", "abc 12",
    True,
])
def test_fractions_and_garbage_are_bad_amounts(cell):
    with pytest.raises(ValueError):
        parse_amount(cell)


@pytest.mark.parametrize("cell, date_format", [
    ("02/05/2026", DateFormat.DMY),
    ("2/5/2026", DateFormat.DMY),
    ("02/05/2026 08:12:45", DateFormat.DMY_TIME),
    ("2026-05-02", DateFormat.ISO),
    (datetime(2026, 5, 2, 8, 12), DateFormat.DMY),
    (date(2026, 5, 2), DateFormat.ISO),
])
def test_dates_as_text_in_the_mapped_format_or_as_excel_dates(cell, date_format):
    assert parse_date(cell, date_format) == date(2026, 5, 2)


@pytest.mark.parametrize("cell, date_format", [
    ("2026-05-02", DateFormat.DMY),
    ("02/05/2026", DateFormat.ISO),
    ("02/05/2026", DateFormat.DMY_TIME),
    ("31/04/2026", DateFormat.DMY),
    ("", DateFormat.DMY),
    (46144, DateFormat.DMY),
])
def test_other_dates_are_none(cell, date_format):
    assert parse_date(cell, date_format) is None


# --- the ways a mapping tells credits from debits ---

def test_a_signed_amount_column_keeps_positive_rows():
    mapping = ColumnMapping(date="Ngày", message="Nội dung", amount="Số tiền", date_format=DateFormat.ISO)
    data = csv_bytes([["Ngày", "Số tiền", "Nội dung"],
                      ["2026-05-02", "+1,050,000", "CHX-26123456-1"],
                      ["2026-05-02", "-22,000", "phi"],
                      ["2026-05-03", "300000", "CHX-26123456-2"]])
    result = read_statement(data, "history.csv", mapping)
    assert [(line.row, line.amount) for line in result.lines] == [(2, 1_050_000), (4, 300_000)]
    assert result.debits == 1 and result.problems == []


@pytest.mark.parametrize("credit_value, credit_cell, debit_cell", [("C", "C", "D"), ("Có", "CO", "Nợ")])
def test_an_indicator_column_tells_credits_whatever_the_case_and_diacritics(credit_value, credit_cell, debit_cell):
    mapping = ColumnMapping(date="Ngày", message="Diễn giải", amount="Số tiền", direction="Nợ/Có",
                            credit_value=credit_value)
    data = csv_bytes([["Ngày", "Nợ/Có", "Số tiền", "Diễn giải"],
                      ["02/05/2026", credit_cell, "1.050.000", "CHX-26123456-1"],
                      ["02/05/2026", debit_cell, "22.000", "phi"],
                      ["03/05/2026", credit_cell, "-300.000", "sign ignored"]])
    result = read_statement(data, "history.csv", mapping)
    assert [(line.row, line.amount) for line in result.lines] == [(2, 1_050_000), (4, 300_000)]
    assert result.debits == 1


def test_headers_match_without_case_diacritics_or_punctuation():
    mapping = ColumnMapping(date="ngay giao dich", message="NOI DUNG", credit="co credit", debit="no / debit")
    data = csv_bytes([["Ngày giao dịch", "Nợ/Debit", "Có/Credit", "Nội dung"],
                      ["02/05/2026", "", "1,050,000", "CHX-26123456-1"]])
    assert [line.amount for line in read_statement(data, "s.csv", mapping).lines] == [1_050_000]


def test_the_header_is_found_below_the_account_details_and_totals_are_skipped():
    data = csv_bytes([["SAO KÊ TÀI KHOẢN"], ["Số tài khoản:", "1017595600"], ["Số dư đầu kỳ:", "5,000,000"], [],
                      HEADER,
                      ["02/05/2026", "FT1", "", "1,050,000", "CHX-26123456-1"],
                      [],
                      ["", "", "", "", "dòng tiếp theo của nội dung"],
                      ["Tổng cộng", "", "0", "1,050,000", ""],
                      ["Số dư cuối kỳ", "", "", "6,050,000", ""]])
    result = read_statement(data, "s.csv", MAPPING)
    assert [(line.row, line.amount, line.bank_reference) for line in result.lines] == [(6, 1_050_000, "FT1")]
    assert result.problems == [] and result.debits == 0


def test_bad_amounts_and_dates_are_reported_by_row_and_the_rest_is_read():
    data = csv_bytes([HEADER,
                      ["02/05/2026", "FT1", "", "1,050,000.50", "CHX-26123456-1"],
                      ["", "FT2", "", "200,000", "no date"],
                      ["02/05/2026", "FT3", "", "300,000", "good"],
                      ["2026-05-02", "FT4", "", "400,000", "iso in a dd/mm/yyyy column"],
                      ["2026-05-02", "FT5", "50,000", "", "a debit is not checked further"]])
    result = read_statement(data, "s.csv", MAPPING)
    assert result.problems == [RowProblem(2, statements.BAD_AMOUNT, "1,050,000.50"),
                               RowProblem(3, statements.BAD_DATE, ""),
                               RowProblem(5, statements.BAD_DATE, "2026-05-02")]
    assert [line.bank_reference for line in result.lines] == ["FT3"]
    assert result.debits == 1


def test_a_mapping_must_say_how_amounts_are_read():
    with pytest.raises(ValueError):
        ColumnMapping(date="Ngày", message="Nội dung")
    with pytest.raises(ValueError):
        ColumnMapping(date="Ngày", message="Nội dung", amount="Số tiền", credit="Có", debit="Nợ")
    with pytest.raises(ValueError):
        ColumnMapping(date="Ngày", message="Nội dung", amount="Số tiền", direction="Loại")


def test_a_mapping_round_trips_through_json():
    for mapping in [*PRESETS.values(),
                    ColumnMapping(date="D", message="M", amount="A", direction="T", credit_value="Có")]:
        stored = json.dumps(mapping.to_dict())
        assert ColumnMapping.from_dict(json.loads(stored)) == mapping
    assert PRESETS["970415"].to_dict()["date_format"] == "dd/mm/yyyy HH:MM:SS"


# --- file types, encodings, delimiters ---

ROWS = [["Sao kê tài khoản HTX Mật ong"], HEADER,
        ["02/05/2026", "FT1", "", "1.050.000", "Nguyễn Thị Mai CHX-26123456-1"]]


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append(base + "".join(c for c in decomposed if c in tones))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("data", [
    csv_bytes(ROWS),
    csv_bytes(ROWS, encoding="utf-8-sig"),
    csv_bytes(ROWS, encoding="utf-16"),
    csv_bytes(ROWS, encoding="utf-16-le"),
    csv_bytes(ROWS, encoding="utf-16-be"),
    cp1258(csv_bytes(ROWS).decode()),
    csv_bytes(ROWS, delimiter=";"),
    csv_bytes(ROWS, delimiter="\t", encoding="utf-16"),
], ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "cp1258", "semicolon", "tab-utf16"])
def test_encodings_and_delimiters_read_alike(data):
    result = read_statement(data, "export.csv", MAPPING)
    assert result.problems == []
    assert [(line.row, line.amount, line.message) for line in result.lines] == \
        [(3, 1_050_000, "Nguyễn Thị Mai CHX-26123456-1")]


def test_windows_1252_is_the_last_resort():
    data = csv_bytes([["Date", "Amount", "Text"], ["02/05/2026", "100", "Šumava CHX-26123456-1"]], encoding="cp1252")
    mapping = ColumnMapping(date="Date", message="Text", amount="Amount")
    assert [line.message for line in read_statement(data, "x.csv", mapping).lines] == ["Šumava CHX-26123456-1"]


def test_xlsx_is_told_by_content_whatever_its_name():
    data = xlsx_bytes([["Sao kê"], HEADER, [datetime(2026, 5, 2), "FT1", None, 1_050_000.0, "CHX-26123456-1"]])
    result = read_statement(data, "statement.csv", MAPPING)
    assert [(line.row, line.booked_on, line.amount) for line in result.lines] == [(3, date(2026, 5, 2), 1_050_000)]


@pytest.mark.parametrize("data, name, kind", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "sao_ke.xls", statements.OLD_EXCEL),
    (b"PK\x03\x04 not really a zip", "sao_ke.xlsx", statements.NOT_A_STATEMENT),
    (b"just text, no zip", "sao_ke.xlsx", statements.NOT_A_STATEMENT),
    (b"<html><table><tr><td>Ngay</td></tr></table></html>", "sao_ke.xls", statements.NOT_A_STATEMENT),
    (b"\x89PNG\r\n\x1a\n" + bytes(300), "photo.png", statements.NOT_A_STATEMENT),
    (b"", "empty.csv", statements.NOT_A_STATEMENT),
    (csv_bytes([["Date", "Amount"], ["02/05/2026", "1"]]), "other.csv", statements.NOT_A_STATEMENT),
])
def test_files_that_are_not_statements_are_refused_as_a_whole(data, name, kind):
    result = read_statement(data, name, MAPPING)
    assert result.lines == [] and result.problems == [RowProblem(0, kind)]


def test_missing_headers_are_named():
    data = csv_bytes([["Ngày giao dịch", "Có", "Nội dung"], ["02/05/2026", "1", "x"]])
    result = read_statement(data, "s.csv", MAPPING)
    assert result.problems == [RowProblem(0, statements.MISSING_HEADER, "Mã GD"),
                               RowProblem(0, statements.MISSING_HEADER, "Nợ")]


def test_files_over_the_row_limit_are_refused(monkeypatch):
    monkeypatch.setattr(statements, "MAX_ROWS", 5)
    rows = [HEADER] + [["02/05/2026", f"FT{n}", "", "1000", "x"] for n in range(4)]
    assert read_statement(csv_bytes(rows), "s.csv", MAPPING).problems == []
    too_many = csv_bytes(rows + [["02/05/2026", "FT9", "", "1000", "x"]])
    assert read_statement(too_many, "s.csv", MAPPING).problems == [RowProblem(0, statements.TOO_MANY_ROWS, "5")]
    assert read_statement(xlsx_bytes(rows * 2), "s.xlsx", MAPPING).problems[0].kind == statements.TOO_MANY_ROWS


def test_files_over_the_size_limit_are_refused(monkeypatch):
    monkeypatch.setattr(statements, "MAX_BYTES", 100)
    assert read_statement(bytes(101), "s.csv", MAPPING).problems == [RowProblem(0, statements.TOO_LARGE)]


# --- duplicates ---

def test_fingerprints_are_the_same_when_a_statement_is_imported_again():
    first = read_sample("vietinbank_2026-05.csv", "970415")
    again = read_sample("vietinbank_2026-05.csv", "970415")
    assert [line_fingerprint(line) for line in first.lines] == [line_fingerprint(line) for line in again.lines]
    assert len({line_fingerprint(line) for line in first.lines}) == len(first.lines)
    assert line_fingerprint(first.lines[0]) == "ref:612208123456"


def test_without_a_reference_the_fingerprint_is_date_amount_and_folded_message():
    line = StatementLine(2, date(2026, 5, 2), 1_050_000, "Nguyễn Thị Mai  CHX-26123456-1", "")
    same = StatementLine(9, date(2026, 5, 2), 1_050_000, "NGUYEN THI MAI chx 26123456 1", "")
    assert line_fingerprint(line) == line_fingerprint(same)
    assert line_fingerprint(line).startswith("sha256:")
    for other in (StatementLine(2, date(2026, 5, 3), 1_050_000, line.message, ""),
                  StatementLine(2, date(2026, 5, 2), 1_050_001, line.message, ""),
                  StatementLine(2, date(2026, 5, 2), 1_050_000, "CHX-26123456-2", "")):
        assert line_fingerprint(other) != line_fingerprint(line)
