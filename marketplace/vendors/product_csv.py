"""The products CSV file: its columns, written for Excel and read back from what people upload.

Pure: plain strings and bytes in, plain values out. Written as UTF-8 with a byte order mark (so Excel
shows Vietnamese right), comma-separated, CRLF. Read back with or without the mark, comma- or
semicolon-separated (Excel in a Vietnamese locale writes semicolons), any line ending. A cell that
a spreadsheet would run as a formula (=, +, -, @ first) is written with a leading apostrophe, which
reading takes off again, so a round trip keeps every value exactly.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first product row 2.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

COLUMNS = (
    "sku", "name", "category", "unit", "price", "compare_at_price", "vat_rate", "weight_grams",
    "min_order_quantity", "max_order_quantity", "low_stock_threshold", "origin_ward_code", "season", "status",
    "stock", "description",
)
# A file without these is refused; any other column left out keeps each product's value as it is.
REQUIRED_COLUMNS = ("sku", "name", "category", "unit", "price")
# What a product the file creates gets when one of these cells is empty or its column left out.
NEW_PRODUCT_DEFAULTS = {"vat_rate": "KCT", "min_order_quantity": "1", "low_stock_threshold": "5", "status": "draft"}
MAX_ROWS = 2_000
MAX_BYTES = 2_000_000

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MONTH_SEPARATORS = re.compile(r"[\s,;]+")

# Reasons a whole file is refused
TOO_LARGE = "too_large"
NOT_UTF8 = "not_utf8"
NOT_CSV = "not_csv"
EMPTY = "empty"
TOO_MANY_ROWS = "too_many_rows"
MISSING_COLUMNS = "missing_columns"
UNKNOWN_COLUMNS = "unknown_columns"
REPEATED_COLUMNS = "repeated_columns"

# Reasons a row is refused
NO_SKU = "no_sku"
REPEATED_SKU = "repeated_sku"
CELL_COUNT = "cell_count"


class CsvRefused(Exception):
    """The file cannot be read as a products CSV; `reason` is one of the file reasons above and
    `columns` names the columns it is about (missing, unknown or repeated ones)."""

    def __init__(self, reason: str, columns: tuple[str, ...] = ()):
        super().__init__(reason, columns)
        self.reason, self.columns = reason, columns


@dataclass(frozen=True)
class Row:
    number: int
    # The file's cells by column, only for the columns the file has, stripped of surrounding spaces.
    cells: dict[str, str]
    # One of the row reasons above, or "" when the row reads well.
    problem: str = ""
    # REPEATED_SKU: the row that has this SKU first; CELL_COUNT: how many cells the row has.
    detail: int = 0


@dataclass(frozen=True)
class ProductsFile:
    width: int  # how many columns its first row has, named or not
    rows: tuple[Row, ...]


def months_cell(months: Iterable[int]) -> str:
    """The season as a cell: '7 8 9'; empty for all year."""
    return " ".join(str(month) for month in months)


def months_of(cell: str) -> list[str]:
    """The months written in a season cell, separated by spaces, commas or semicolons."""
    return [month for month in _MONTH_SEPARATORS.split(cell) if month]


def write_products(rows: Iterable[dict[str, str]]) -> str:
    """The CSV text, byte order mark first, of rows given as {column: text}."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_safe_for_spreadsheets(row.get(column, "")) for column in COLUMNS)
    return BOM + buffer.getvalue()


def read_products(data: bytes) -> ProductsFile:
    """The rows of an uploaded products CSV; CsvRefused when the file as a whole cannot be used.

    Blank rows are skipped (they keep their number). Problems of single rows are set on the row.
    """
    text = _text_of(data)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(records, [])
        columns = _columns_of(header)
        rows = _rows_of(records, columns)
    except csv.Error as exc:
        raise CsvRefused(NOT_CSV) from exc
    if not rows:
        raise CsvRefused(EMPTY)
    return ProductsFile(len(columns), tuple(_with_sku_problems(rows)))


def _safe_for_spreadsheets(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _as_written(cell: str) -> str:
    cell = cell.strip()
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def _text_of(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CsvRefused(TOO_LARGE)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvRefused(NOT_UTF8) from exc
    text = text.removeprefix(BOM)
    if not text.strip():
        raise CsvRefused(EMPTY)
    if "\x00" in text:  # a binary file, and no database keeps NUL in text
        raise CsvRefused(NOT_CSV)
    return text


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _columns_of(header: list[str]) -> list[str]:
    """The header's column names, lower-case; an unnamed column is kept as "" and ignored."""
    columns = [name.strip().lower() for name in header]
    named = [name for name in columns if name]
    repeated = tuple(sorted({name for name in named if named.count(name) > 1}))
    if repeated:
        raise CsvRefused(REPEATED_COLUMNS, repeated)
    unknown = tuple(name for name in named if name not in COLUMNS)
    if unknown:
        raise CsvRefused(UNKNOWN_COLUMNS, unknown)
    missing = tuple(name for name in REQUIRED_COLUMNS if name not in named)
    if missing:
        raise CsvRefused(MISSING_COLUMNS, missing)
    return columns


def _rows_of(records: Iterable[list[str]], columns: list[str]) -> list[Row]:
    rows = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) == MAX_ROWS:
            raise CsvRefused(TOO_MANY_ROWS)
        cells = {name: _as_written(cell) for name, cell in zip(columns, record) if name}
        if len(record) != len(columns):
            rows.append(Row(number, cells, CELL_COUNT, len(record)))  # cells shifted: shown, never used
        else:
            rows.append(Row(number, cells))
    return rows


def _with_sku_problems(rows: list[Row]) -> Iterable[Row]:
    first_row_of: dict[str, int] = {}
    for row in rows:
        sku = row.cells.get("sku", "")
        if row.problem:
            yield row
        elif not sku:
            yield Row(row.number, row.cells, NO_SKU)
        elif sku in first_row_of:
            yield Row(row.number, row.cells, REPEATED_SKU, first_row_of[sku])
        else:
            first_row_of[sku] = row.number
            yield row
