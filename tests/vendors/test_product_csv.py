"""The products CSV file on its own: written for Excel, read back from what spreadsheets save."""
import pytest

from marketplace.vendors import product_csv
from marketplace.vendors.product_csv import COLUMNS, CsvRefused, read_products, write_products

HEADER = ",".join(COLUMNS)


def row(**cells) -> dict:
    return {"sku": "NA-1", "name": "Na Chi Lăng", "category": "na", "unit": "kg", "price": "85000", **cells}


def refusal_of(data: bytes) -> CsvRefused:
    with pytest.raises(CsvRefused) as refused:
        read_products(data)
    return refused.value


def test_the_file_starts_with_a_byte_order_mark_and_the_columns_and_ends_lines_with_crlf():
    text = write_products([row(description="Na dai, ngọt.\nHái sáng.")])
    assert text.startswith("\ufeff" + HEADER + "\r\n")
    assert '"Na dai, ngọt.\nHái sáng."' in text and text.endswith("\r\n")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_what_is_written_reads_back_exactly():
    rows = [row(description='Quả "na" dai; ngọt,\r\nthơm.', season="7 8 9", stock="12"),
            row(sku="MO-1", name="=HYPERLINK(\"http://x\")", description="- rừng\n- nguyên chất", unit="+1 chai")]
    written = write_products(rows)
    assert "'=HYPERLINK" in written and "'- rừng" in written and "'+1 chai" in written  # never a formula
    read = read_products(written.encode("utf-8"))
    assert [r.number for r in read.rows] == [2, 3]  # a cell over two lines is still one row
    assert [r.cells for r in read.rows] == [{column: r.get(column, "") for column in COLUMNS} for r in rows]


def test_excel_files_with_semicolons_a_byte_order_mark_or_neither_read_the_same():
    comma = "sku,name,category,unit,price\r\nNA-1,Na Chi Lăng,na,kg,85000\r\n"
    semicolon = "sku;name;category;unit;price\r\nNA-1;Na Chi Lăng;na;kg;85000\r\n"
    for data in (comma.encode(), ("\ufeff" + comma).encode(), ("\ufeff" + semicolon).encode(), semicolon.encode(),
                 semicolon.replace("\r\n", "\n").encode()):
        assert read_products(data).rows == (product_csv.Row(2, {
            "sku": "NA-1", "name": "Na Chi Lăng", "category": "na", "unit": "kg", "price": "85000"}),)


def test_column_names_ignore_case_order_and_spaces_and_unnamed_columns_are_ignored():
    read = read_products(" Price ;SKU;name;;Category;unit\n85000;NA-1;Na;ghi chú;na;kg\n".encode())
    assert read.width == 6
    assert read.rows[0].cells == {"price": "85000", "sku": "NA-1", "name": "Na", "category": "na", "unit": "kg"}


def test_blank_rows_are_skipped_but_keep_their_numbers():
    read = read_products(f"{HEADER}\n\n,,,,,,,,,,,,,,,\nNA-1,Na,na,kg,1,,,,,,,,,,,\n".encode())
    assert [r.number for r in read.rows] == [4]


@pytest.mark.parametrize("data, reason", [
    (b"", product_csv.EMPTY),
    (b"\xef\xbb\xbf \r\n", product_csv.EMPTY),
    (HEADER.encode() + b"\r\n", product_csv.EMPTY),
    ("sku,name,category,unit,price\nNA-1,Na Chi Lăng,na,kg,85000\n".encode("cp1258"), product_csv.NOT_UTF8),
    ("sku,name,category,unit,price\nNA-1,Na,na,kg,85000\n".encode("utf-16"), product_csv.NOT_UTF8),
    (b"x" * (product_csv.MAX_BYTES + 1), product_csv.TOO_LARGE),
    (("sku,name,category,unit,price,description\nNA-1,Na,na,kg,1,\"" + "a" * 200_000 + "\"\n").encode(),
     product_csv.NOT_CSV),
    (b"sku,name,category,unit,price\nNA-1,Na\x00,na,kg,1\n", product_csv.NOT_CSV),
])
def test_files_that_cannot_be_used_are_refused_with_a_reason(data, reason):
    assert refusal_of(data).reason == reason


def test_more_rows_than_allowed_are_refused():
    rows = "".join(f"SKU-{n},Na,na,kg,1\n" for n in range(product_csv.MAX_ROWS))
    assert len(read_products(f"sku,name,category,unit,price\n{rows}".encode()).rows) == product_csv.MAX_ROWS
    too_many = f"sku,name,category,unit,price\n{rows}SKU-X,Na,na,kg,1\n".encode()
    assert refusal_of(too_many).reason == product_csv.TOO_MANY_ROWS


@pytest.mark.parametrize("header, reason, columns", [
    ("sku,name,unit", product_csv.MISSING_COLUMNS, ("category", "price")),
    ("sku,name,category,unit,price,colour,size", product_csv.UNKNOWN_COLUMNS, ("colour", "size")),
    ("sku,name,category,unit,price,PRICE", product_csv.REPEATED_COLUMNS, ("price",)),
])
def test_a_header_without_the_required_columns_or_with_strange_ones_is_refused(header, reason, columns):
    refused = refusal_of(f"{header}\nNA-1,Na,na,kg,1\n".encode())
    assert (refused.reason, refused.columns) == (reason, columns)


def test_rows_without_a_sku_with_a_repeated_sku_or_a_shifted_cell_are_marked():
    read = read_products("sku,name,category,unit,price\n"
                         "NA-1,Na,na,kg,1\n"
                         ",Mật ong,mat-ong,chai,2\n"
                         "NA-1,Na loại 2,na,kg,3\n"
                         "NA-2,Na, loại 3,na,kg,4\n"
                         "NA-3,Na,na,kg,5\n".encode())
    assert [(r.number, r.problem, r.detail) for r in read.rows] == [
        (2, "", 0), (3, product_csv.NO_SKU, 0), (4, product_csv.REPEATED_SKU, 2), (5, product_csv.CELL_COUNT, 6),
        (6, "", 0)]


def test_a_season_is_months_separated_by_spaces_commas_or_semicolons():
    assert product_csv.months_cell([7, 8, 9]) == "7 8 9" and product_csv.months_cell([]) == ""
    assert product_csv.months_of("7 8 9") == product_csv.months_of(" 7, 8;9 ") == ["7", "8", "9"]
    assert product_csv.months_of("") == []
