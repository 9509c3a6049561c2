"""What the products CSV import says to people, in their language: why a file or a row is refused,
and what each column holds (shown on the import page)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import product_csv as c

FILE_REFUSALS = {
    c.TOO_LARGE: _l("This file is too large to import at once: split it into smaller files."),
    c.NOT_UTF8: _l("This file is not UTF-8 text. In Excel use Save As and choose “CSV UTF-8 (Comma delimited)”."),
    c.NOT_CSV: _l("This file cannot be read as CSV. Save it from your spreadsheet as “CSV UTF-8” and try again."),
    c.EMPTY: _l("This file has no products: it needs the header row and at least one product row."),
    c.TOO_MANY_ROWS: _l("This file has more than %(max)d products: split it into smaller files.", max=c.MAX_ROWS),
}
NO_SKU = _l("Every row needs a SKU: products are matched by it. Give a product without one a SKU on its page first.")
BAD_STATUS = _l("Write draft or published. To archive a product, use its page.")
ARCHIVED = _l("This product is archived: write archived to leave it so, or published to sell it again.")

COLUMN_HELP = {
    "sku": _l("Your own code for the product: letters, digits, dots, dashes and underscores. It finds the product "
              "the row is about; a code none of your products has adds a new product."),
    "name": _l("The product name."),
    "category": _l("The code of the category, from the list of categories."),
    "unit": _l("For example: kg, hộp, chai, quả, khay 10 quả."),
    "price": _l("Price per unit in đồng, digits only, for example 85000."),
    "compare_at_price": _l("Price before discount in đồng, higher than the price; empty for none."),
    "vat_rate": _l("KCT (not subject to VAT), 0%, 5%, 8% or 10%."),
    "weight_grams": _l("Weight per unit with the packaging, in grams."),
    "min_order_quantity": _l("The smallest quantity of one order, 1 or more."),
    "max_order_quantity": _l("The largest quantity of one order; empty for no limit."),
    "low_stock_threshold": _l("You are warned when the stock is at or below this."),
    "origin_ward_code": _l("The code of the commune or ward where it is grown or made, from the list of communes "
                           "and wards."),
    "season": _l("The months of its season, for example 7 8 9; empty for all year."),
    "status": _l("draft or published; archived only for a product already archived."),
    "stock": _l("Units in stock now; a difference is recorded as a stock correction. Empty leaves the stock as it "
                "is."),
    "description": _l("Plain text; an empty line starts a new paragraph."),
}


def file_refusal(refused: c.CsvRefused) -> str:
    columns = ", ".join(refused.columns)
    if refused.reason == c.MISSING_COLUMNS:
        return _("The first row lacks these required columns: %(columns)s.", columns=columns)
    if refused.reason == c.UNKNOWN_COLUMNS:
        return _("The first row has columns this import does not know: %(columns)s. Check their spelling against "
                 "the list of columns.", columns=columns)
    if refused.reason == c.REPEATED_COLUMNS:
        return _("These columns appear more than once in the first row: %(columns)s.", columns=columns)
    return str(FILE_REFUSALS[refused.reason])


def row_problem(row: c.Row, width: int) -> str:
    """Why a row of a file whose header has `width` columns cannot be used as it is."""
    if row.problem == c.CELL_COUNT:
        return _("This row has %(cells)d cells but the first row has %(columns)d columns. A cell with a comma or a "
                 "semicolon inside must be in double quotes.", cells=row.detail, columns=width)
    if row.problem == c.REPEATED_SKU:
        return _("This SKU is also on row %(row)d: put each product on one row only.", row=row.detail)
    return str(NO_SKU)
