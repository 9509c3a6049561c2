"""Bank statement exports (CSV or XLSX) read into the credit lines that transfers are matched on.

Pure: bytes in, plain values out. What is wrong with a file or a row comes back as a problem kind
with its row number, never as an exception. A ColumnMapping names the columns (matched without
regard to case, diacritics or punctuation); the header row is the first row that has all of them,
so the account details banks print above the table are passed over. Rows are numbered as a
spreadsheet shows them: the first row of the file is row 1.
"""
from __future__ import annotations

import codecs
import csv
import enum
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime

import openpyxl

from ..common.folding import fold

MAX_ROWS = 20_000
MAX_BYTES = 10_000_000
HEADER_SEARCH_ROWS = 100  # the header must be within the file's first rows

# Problem kinds. Row 0 means the whole file.
BAD_DATE = "bad_date"
BAD_AMOUNT = "bad_amount"
MISSING_HEADER = "missing_header"  # detail: the mapped header that was not found
NOT_A_STATEMENT = "not_a_statement"
OLD_EXCEL = "old_excel"  # an .xls (Excel 97-2003) file: to be saved as .xlsx or CSV first
TOO_MANY_ROWS = "too_many_rows"
TOO_LARGE = "too_large"

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_DELIMITERS = (",", ";", "\t")
# A row that starts with one of these (folded) is a total or a balance, not a transaction.
_SUMMARY_STARTS = ("tong", "cong", "total", "so du")
_CURRENCY = re.compile(r"vn[dđ]|[đ₫]", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?P<whole>\d{1,3}(?P<group>[.,])\d{3}(?:(?P=group)\d{3})*|\d+)(?:(?P<point>[.,])(?P<fraction>\d+))?")


class DateFormat(enum.StrEnum):
    """How a date cell written as text reads; cells Excel stores as dates read whatever the format."""

    DMY = "dd/mm/yyyy"
    DMY_TIME = "dd/mm/yyyy HH:MM:SS"
    ISO = "yyyy-mm-dd"


_STRPTIME = {DateFormat.DMY: "%d/%m/%Y", DateFormat.DMY_TIME: "%d/%m/%Y %H:%M:%S", DateFormat.ISO: "%Y-%m-%d"}


@dataclass(frozen=True)
class ColumnMapping:
    """The header names of a bank's export. Amounts come EITHER from one `amount` column, signed
    (credits positive) or, with a `direction` column, unsigned: rows whose direction is
    `credit_value` (e.g. "C" or "Có") are credits, all others debits; OR from two columns, `credit`
    and `debit`. A mapping that is neither is a programming error (ValueError)."""

    date: str
    message: str
    reference: str = ""
    amount: str = ""
    direction: str = ""
    credit_value: str = ""
    credit: str = ""
    debit: str = ""
    date_format: DateFormat = DateFormat.DMY

    def __post_init__(self):
        object.__setattr__(self, "date_format", DateFormat(self.date_format))
        one_column = bool(self.amount) and not (self.credit or self.debit)
        two_columns = bool(self.credit and self.debit) and not (self.amount or self.direction)
        if not (self.date and self.message) or one_column == two_columns \
                or bool(self.direction) != bool(self.credit_value):
            raise ValueError(f"incomplete column mapping: {self!r}")

    @property
    def headers(self) -> tuple[str, ...]:
        """The header names the file must have."""
        return tuple(name for name in (self.date, self.message, self.reference, self.amount, self.direction,
                                       self.credit, self.debit) if name)

    def to_dict(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> ColumnMapping:
        names = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in names})


# Keyed by bank BIN (marketplace/common/banks.py); tests/payments/statements/README.md describes the layouts.
PRESETS: dict[str, ColumnMapping] = {
    "970436": ColumnMapping(  # Vietcombank, VCB Digibank account statement (.xlsx)
        date="Ngày giao dịch", reference="Số tham chiếu", debit="Số tiền ghi nợ", credit="Số tiền ghi có",
        message="Mô tả"),
    "970415": ColumnMapping(  # VietinBank, eFAST transaction history (.csv)
        date="Ngày giao dịch/Transaction date", message="Mô tả giao dịch/Transaction description",
        debit="Nợ/Debit", credit="Có/Credit", reference="Số giao dịch/Transaction number",
        date_format=DateFormat.DMY_TIME),
    "970407": ColumnMapping(  # Techcombank, Business account statement (.xlsx)
        date="Ngày giao dịch/Transaction Date", message="Diễn giải/Details", reference="Số bút toán/Transaction No",
        debit="Nợ/Debit", credit="Có/Credit"),
}


@dataclass(frozen=True)
class StatementLine:
    """A credit on the account: money received."""

    row: int
    booked_on: date
    amount: int  # đồng, positive
    message: str
    bank_reference: str


@dataclass(frozen=True)
class RowProblem:
    row: int  # 0: the whole file
    kind: str
    detail: str = ""  # the cell as written, or the header not found


@dataclass
class StatementResult:
    lines: list[StatementLine] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    debits: int = 0  # debit rows, counted and skipped


class _Refused(Exception):
    """The file cannot be read with the mapping; carries the problems that say why."""

    def __init__(self, *problems: RowProblem):
        super().__init__(problems)
        self.problems = list(problems)


class _BadCell(ValueError):
    def __init__(self, value):
        super().__init__(value)
        self.text = _text(value)


def read_statement(data: bytes, filename: str, mapping: ColumnMapping) -> StatementResult:
    """The credit lines of a statement export, the debits counted, and the problems by row.

    XLSX is told by its content (its first worksheet is read), anything else is read as CSV (UTF-8
    with or without a byte order mark, UTF-16, else Windows-1258 or Windows-1252; comma, semicolon
    or tab). A file in which none of the mapped headers appears is NOT_A_STATEMENT; one that has
    some of them gets a MISSING_HEADER problem for each of the others. Blank rows, rows without an
    amount and totals or balance rows are skipped.
    """
    try:
        table, header_at, columns = _header_of(_tables(data, filename), mapping)
    except _Refused as refused:
        return StatementResult(problems=refused.problems)
    result = StatementResult()
    for number, row in enumerate(table[header_at + 1:], start=header_at + 2):
        _read_row(number, row, columns, mapping, result)
    return result


def line_fingerprint(line: StatementLine) -> str:
    """What a line is known by when the same statement is imported again: the bank's reference,
    else a hash of its date, amount and message (case, diacritics and punctuation ignored)."""
    if line.bank_reference:
        return "ref:" + line.bank_reference
    key = f"{line.booked_on.isoformat()}|{line.amount}|{fold(line.message)}"
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def parse_amount(value) -> int | None:
    """Whole đồng from a cell: 1050000 from "1.050.000", "1,050,000", "1 050 000", "+1,050,000.00",
    "1050000 VND" or a number; negative with "-" or in parentheses. None for a cell without digits
    (blank, "-"); ValueError for anything else, a fractional part other than zero included."""
    if isinstance(value, bool):
        raise _BadCell(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise _BadCell(value)
        return int(value)
    text = re.sub(r"\s", "", _CURRENCY.sub("", _text(value)))
    if not any(ch.isdigit() for ch in text):
        return None
    sign, body = _sign_of(text)
    number = _NUMBER.fullmatch(body)
    if number is None or (number["point"] and (number["point"] == number["group"] or number["fraction"].strip("0"))):
        raise _BadCell(value)
    return sign * int(re.sub(r"[.,]", "", number["whole"]))


def parse_date(value, date_format: DateFormat) -> date | None:
    """The calendar date of a cell: an Excel date, or text in `date_format`; None when neither."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(_text(value), _STRPTIME[date_format]).date()
    except ValueError:
        return None


def _sign_of(text: str) -> tuple[int, str]:
    if text.startswith("(") and text.endswith(")"):
        return -1, text[1:-1]
    if text[:1] in "+-":
        return (-1 if text[0] == "-" else 1), text[1:]
    return 1, text


def _text(value) -> str:
    """A cell as one line of text: whitespace collapsed, Unicode composed (NFC)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _read_row(number: int, row: Sequence, columns: dict[str, int], mapping: ColumnMapping,
              result: StatementResult) -> None:
    if _is_summary(row):
        return
    cell = _cell_reader(row, columns)
    try:
        amount = _signed_amount(cell, mapping)
    except _BadCell as bad:
        result.problems.append(RowProblem(number, BAD_AMOUNT, bad.text))
        return
    if not amount:
        return
    if amount < 0:
        result.debits += 1
        return
    booked_on = parse_date(cell(mapping.date), mapping.date_format)
    if booked_on is None:
        result.problems.append(RowProblem(number, BAD_DATE, _text(cell(mapping.date))))
        return
    result.lines.append(StatementLine(number, booked_on, amount, _text(cell(mapping.message)),
                                      _text(cell(mapping.reference))))


def _cell_reader(row: Sequence, columns: dict[str, int]) -> Callable[[str], object]:
    """A function giving the row's cell under a mapped header (None for a short row or no header)."""
    def cell(header: str):
        index = columns.get(header, len(row))
        return row[index] if index < len(row) else None
    return cell


def _is_summary(row: Sequence) -> bool:
    first = next((text for text in map(_text, row) if text), "")
    return fold(first).startswith(_SUMMARY_STARTS)


def _signed_amount(cell: Callable[[str], object], mapping: ColumnMapping) -> int | None:
    """Positive for a credit, negative for a debit, None or 0 when the row moves no money."""
    if mapping.amount:
        amount = parse_amount(cell(mapping.amount))
        if amount is None or not mapping.direction:
            return amount
        is_credit = fold(_text(cell(mapping.direction))) == fold(mapping.credit_value)
        return abs(amount) if is_credit else -abs(amount)
    credit, debit = parse_amount(cell(mapping.credit)), parse_amount(cell(mapping.debit))
    if credit:
        return abs(credit)
    return -abs(debit) if debit else None


def _header_of(tables: Iterator[list[Sequence]], mapping: ColumnMapping) -> tuple[list[Sequence], int, dict[str, int]]:
    """The table, the index of its header row and the column of each mapped header, from the first
    candidate table (CSV: one per delimiter) that has a row with all of them."""
    wanted = {fold(name): name for name in mapping.headers}
    best_found: set[str] = set()
    for table in tables:
        for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
            columns: dict[str, int] = {}
            for position, text in enumerate(map(_text, row)):
                name = wanted.get(fold(text))
                if name and name not in columns:
                    columns[name] = position
            if len(columns) == len(wanted):
                return table, index, columns
            if len(columns) > len(best_found):
                best_found = set(columns)
    if not best_found:
        raise _Refused(RowProblem(0, NOT_A_STATEMENT))
    raise _Refused(*(RowProblem(0, MISSING_HEADER, name) for name in mapping.headers if name not in best_found))


def _tables(data: bytes, filename: str) -> Iterator[list[Sequence]]:
    """The file's rows, once for an XLSX file and once per delimiter for a CSV file."""
    if len(data) > MAX_BYTES:
        raise _Refused(RowProblem(0, TOO_LARGE))
    if data.startswith(_XLSX_MAGIC):
        yield _xlsx_table(data)
        return
    if data.startswith(_XLS_MAGIC):
        raise _Refused(RowProblem(0, OLD_EXCEL))
    if filename.lower().endswith((".xlsx", ".xlsm")):  # named so, but not a zip: damaged
        raise _Refused(RowProblem(0, NOT_A_STATEMENT))
    text = _decoded(data)
    for delimiter in _DELIMITERS:
        yield _csv_table(text, delimiter)


def _xlsx_table(data: bytes) -> list[Sequence]:
    table: list[Sequence] = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for row in book.worksheets[0].iter_rows(values_only=True):
                _append_row(table, row)
        finally:
            book.close()
    except _Refused:
        raise
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) on damaged or foreign files
        raise _Refused(RowProblem(0, NOT_A_STATEMENT)) from exc
    return table


def _csv_table(text: str, delimiter: str) -> list[Sequence]:
    table: list[Sequence] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            _append_row(table, record)
    except csv.Error as exc:
        raise _Refused(RowProblem(0, NOT_A_STATEMENT)) from exc
    return table


def _append_row(table: list[Sequence], row: Sequence) -> None:
    if len(table) == MAX_ROWS:
        raise _Refused(RowProblem(0, TOO_MANY_ROWS, str(MAX_ROWS)))
    table.append(row)


def _decoded(data: bytes) -> str:
    for encoding in _encodings_of(data):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = unicodedata.normalize("NFC", text).removeprefix("\ufeff")
        # NUL: binary; "<": an HTML page saved as a spreadsheet, as some banks' exports are
        if not text.strip() or "\x00" in text or text.lstrip().startswith("<"):
            break
        return text
    raise _Refused(RowProblem(0, NOT_A_STATEMENT))


def _encodings_of(data: bytes) -> tuple[str, ...]:
    """The encodings to try, in order."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ("utf-16",)
    if b"\x00" in data[:200]:  # UTF-16 without a byte order mark: an ASCII character has a zero byte beside it
        return ("utf-16-be",) if data[:1] == b"\x00" else ("utf-16-le",)
    return ("utf-8-sig", "cp1258", "cp1252")
