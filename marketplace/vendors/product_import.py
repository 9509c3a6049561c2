"""A cooperative's products and stock as a CSV file: export, a dry run of an import, and applying it.

Export: every product of the cooperative, archived ones included (status "archived"), so the file
shows every SKU in use; products without a SKU are listed too, but a row needs a SKU to be imported.

Import: each row finds the cooperative's product with its SKU, or adds a product when none has it.
A row is checked by the product form's own rules (ProductForm, as if typed into the product page)
over the product's current values, so a column left out of the file keeps each product's value,
and certificates, which the file does not carry, stay as they are. The stock column is a count:
a difference becomes one correction movement.

The dry run changes nothing. Applying checks every row again in one write transaction and writes
all rows or none; it also refuses (ImportConflict) when the products the file is about changed
since the dry run the person confirmed, so nobody overwrites what they did not see.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..catalog.availability import months_mask, season_months
from ..catalog.models import Category, Product, ProductStatus
from ..catalog.search import reindex_products
from ..extensions import db
from ..inventory.stock import InsufficientStock
from ..transaction import write_transaction
from . import import_messages as messages
from . import product_csv, products
from .product_forms import ProductForm, StockCountForm, form_data_of
from .products import ProductValues

CREATE, CHANGE, SAME = "create", "change", "same"
# How long a checked file may wait for its confirmation.
CONFIRM_MAX_AGE_SECONDS = 3600

# Columns compared with the product, and the attribute (of Product and of ProductValues alike) each is.
_COMPARED = {"name": "name", "category": "category_id", "unit": "unit", "price": "price",
             "compare_at_price": "compare_at_price", "vat_rate": "vat_rate", "weight_grams": "weight_grams",
             "min_order_quantity": "min_order_quantity", "max_order_quantity": "max_order_quantity",
             "low_stock_threshold": "low_stock_threshold", "origin_ward_code": "origin_ward_code",
             "description": "description"}
_SAME_NAMED_FIELDS = ("sku", "name", "unit", "price", "compare_at_price", "vat_rate", "weight_grams",
                      "min_order_quantity", "max_order_quantity", "low_stock_threshold", "description")
_CERTIFICATE_FIELDS = ("ocop_stars", "ocop_number", "ocop_expires_on", "vietgap_number", "vietgap_expires_on",
                       "organic_number", "organic_expires_on")
# Product form fields reported under another column name.
_FIELD_COLUMNS = {"origin_ward": "origin_ward_code", "publish": "status"}


class ConfirmationRefused(Exception):
    """The confirmation is not one this person got for this cooperative, or it has expired."""


class ImportConflict(Exception):
    """The products changed since the dry run, or a row no longer passes: nothing was written."""


@dataclass(frozen=True)
class RowError:
    column: str  # the column it is about, "" for the whole row
    message: str


@dataclass(frozen=True)
class RowPlan:
    number: int
    sku: str
    name: str
    action: str  # CREATE, CHANGE or SAME; "" when the row has errors
    changed: tuple[str, ...] = ()  # the columns that change, stock included
    stock_before: int | None = None  # None for a new product
    stock_after: int | None = None
    errors: tuple[RowError, ...] = ()
    product_id: int | None = None
    values: ProductValues | None = None


@dataclass(frozen=True)
class ImportPlan:
    rows: tuple[RowPlan, ...] = ()
    refusal: str = ""  # why the whole file is refused, in the reader's language
    fingerprint: str = ""  # the products the rows are about, as they were read

    @property
    def ok(self) -> bool:
        return not self.refusal and not any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def error_rows(self) -> int:
        return sum(bool(row.errors) for row in self.rows)

    @property
    def has_work(self) -> bool:
        return self.ok and any(row.action in (CREATE, CHANGE) for row in self.rows)


# --- export ------------------------------------------------------------------------------

def export_csv(cooperative_id: int) -> str:
    return product_csv.write_products(cells_of(product) for product in products.products_of(cooperative_id))


def cells_of(product: Product) -> dict[str, str]:
    """The product as a row of the CSV file."""
    cells = {column: _cell(getattr(product, attribute)) for column, attribute in _COMPARED.items()}
    cells.update(sku=product.sku, category=product.category.slug, vat_rate=product.vat_rate.value,
                 season=product_csv.months_cell(season_months(product.season_months)), status=product.status.value,
                 stock=str(product.stock_quantity))
    return cells


def _cell(value) -> str:
    return "" if value is None else str(value)


# --- dry run -----------------------------------------------------------------------------

def check_import(cooperative_id: int, province_code: int, data: bytes) -> ImportPlan:
    """What importing this file would do, row by row; writes nothing."""
    try:
        found = product_csv.read_products(data)
    except product_csv.CsvRefused as refused:
        return ImportPlan(refusal=messages.file_refusal(refused))
    by_sku = _products_by_sku(cooperative_id)
    categories = {slug: category_id for slug, category_id in db.session.execute(select(Category.slug, Category.id))}
    matched = [by_sku.get(row.cells.get("sku", "")) for row in found.rows]
    rows = tuple(_plan_row(row, found.width, product, categories, province_code)
                 for row, product in zip(found.rows, matched))
    return ImportPlan(rows, fingerprint=_fingerprint(matched))


def _products_by_sku(cooperative_id: int) -> dict[str, Product]:
    return {product.sku: product for product in db.session.scalars(
        select(Product).where(Product.cooperative_id == cooperative_id, Product.sku != ""))}


def _fingerprint(matched: list[Product | None]) -> str:
    seen = [cells_of(product) if product is not None else None for product in matched]
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()


def _plan_row(row: product_csv.Row, width: int, product: Product | None, categories: dict[str, int],
              province_code: int) -> RowPlan:
    sku, name = row.cells.get("sku", ""), row.cells.get("name", "")
    if row.problem == product_csv.CELL_COUNT:
        return RowPlan(row.number, sku, name, "", errors=(RowError("", messages.row_problem(row, width)),))
    cells = _wanted_cells(row.cells, product)
    form = ProductForm(formdata=_formdata(cells, product, categories), meta={"csrf": False},
                       categories=[(category_id, slug) for slug, category_id in categories.items()],
                       province_code=province_code)
    errors = [RowError("", messages.row_problem(row, width))] if row.problem else []
    errors += _form_errors(form) + _status_errors(cells["status"], product) + _stock_errors(cells["stock"])
    if errors:
        return RowPlan(row.number, sku, name, "", errors=tuple(errors))
    values = form.to_values()
    stock_after = int(cells["stock"]) if cells["stock"] else None
    if product is None:
        return RowPlan(row.number, sku, values.name, CREATE, stock_after=stock_after, values=values)
    changed = _changed_columns(product, values, stock_after)
    return RowPlan(row.number, sku, values.name, CHANGE if changed else SAME, changed, product.stock_quantity,
                   stock_after, product_id=product.id, values=values)


def _wanted_cells(row_cells: dict[str, str], product: Product | None) -> dict[str, str]:
    """Every column for the row: the file's cells over the product's own, or over the defaults of a
    new product (which also fill its empty cells that have one)."""
    if product is not None:
        return {**cells_of(product), **row_cells}
    defaults = product_csv.NEW_PRODUCT_DEFAULTS
    filled = {column: cell for column, cell in row_cells.items() if cell or column not in defaults}
    return {**dict.fromkeys(product_csv.COLUMNS, ""), **defaults, **filled}


def _formdata(cells: dict[str, str], product: Product | None, categories: dict[str, int]) -> MultiDict:
    """What the product page would send for these cells, with the product's certificates kept."""
    formdata = MultiDict({name: cells[name] for name in _SAME_NAMED_FIELDS})
    formdata["category"] = str(categories.get(cells["category"], 0))
    formdata["origin_ward"] = cells["origin_ward_code"]
    formdata.setlist("season", product_csv.months_of(cells["season"]))
    if cells["status"].lower() == ProductStatus.PUBLISHED:
        formdata["publish"] = "y"
    current = form_data_of(product) if product else {}
    for name in _CERTIFICATE_FIELDS:
        value = current.get(name)
        formdata[name] = value.isoformat() if hasattr(value, "isoformat") else _cell(value)
    return formdata


def _form_errors(form: ProductForm) -> list[RowError]:
    form.validate()
    return [RowError(_FIELD_COLUMNS.get(name, name), str(message))
            for name, field_errors in form.errors.items() for message in field_errors]


def _status_errors(cell: str, product: Product | None) -> list[RowError]:
    status = cell.lower()
    archived = product is not None and product.status == ProductStatus.ARCHIVED
    if status in {ProductStatus.PUBLISHED, ProductStatus.ARCHIVED if archived else ProductStatus.DRAFT}:
        return []
    return [RowError("status", str(messages.ARCHIVED if archived and status == ProductStatus.DRAFT
                                   else messages.BAD_STATUS))]


def _stock_errors(cell: str) -> list[RowError]:
    """An empty stock cell leaves the stock as it is; a count follows the product page's count form."""
    if not cell:
        return []
    form = StockCountForm(formdata=MultiDict({"counted": cell}), meta={"csrf": False})
    form.validate()
    return [RowError("stock", str(message)) for message in form.counted.errors]


def _status_after(product: Product, values: ProductValues) -> ProductStatus:
    """The status save_product leaves: publishing brings an archived product back, a draft stays archived."""
    if values.publish:
        return ProductStatus.PUBLISHED
    return ProductStatus.ARCHIVED if product.status == ProductStatus.ARCHIVED else ProductStatus.DRAFT


def _changed_columns(product: Product, values: ProductValues, stock_after: int | None) -> tuple[str, ...]:
    before = {column: _comparable(getattr(product, attribute)) for column, attribute in _COMPARED.items()}
    after = {column: _comparable(getattr(values, attribute)) for column, attribute in _COMPARED.items()}
    before.update(season=product.season_months, status=product.status, stock=product.stock_quantity)
    after.update(season=months_mask(values.season), status=_status_after(product, values),
                 stock=product.stock_quantity if stock_after is None else stock_after)
    return tuple(column for column in product_csv.COLUMNS if column in before and before[column] != after[column])


def _comparable(value):
    """Browsers send a description's line breaks as CRLF, spreadsheets as LF: the same text."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


# --- the confirmation --------------------------------------------------------------------

def checked_upload(cooperative_id: int, province_code: int, user_id: int, data: bytes, secret_key: str,
                   max_confirmation_length: int) -> tuple[ImportPlan, str]:
    """The dry run of an uploaded file and, when there is something to apply, its confirmation:
    a signed copy of the file, good only for this person and cooperative, and only while the
    products it is about stay as the dry run saw them. A file whose confirmation would not fit
    into a form (`max_confirmation_length`) is refused as too large."""
    plan = check_import(cooperative_id, province_code, data)
    if not plan.has_work:
        return plan, ""
    token = _serializer(secret_key, cooperative_id, user_id).dumps(
        {"csv": data.decode("utf-8"), "fingerprint": plan.fingerprint})
    if len(token) > max_confirmation_length:
        return ImportPlan(refusal=str(messages.FILE_REFUSALS[product_csv.TOO_LARGE])), ""
    return plan, token


@dataclass(frozen=True)
class Confirmed:
    data: bytes  # the checked file
    fingerprint: str  # the products its rows are about, as the dry run saw them


def confirmed(token: str, cooperative_id: int, user_id: int, secret_key: str) -> Confirmed:
    """What a confirmation carries; ConfirmationRefused for a changed, foreign or expired one."""
    try:
        opened = _serializer(secret_key, cooperative_id, user_id).loads(token, max_age=CONFIRM_MAX_AGE_SECONDS)
    except BadData as exc:
        raise ConfirmationRefused from exc
    return Confirmed(opened["csv"].encode("utf-8"), opened["fingerprint"])


def _serializer(secret_key: str, cooperative_id: int, user_id: int) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"product-import:{cooperative_id}:{user_id}")


# --- applying ----------------------------------------------------------------------------

def apply_import(cooperative_id: int, province_code: int, file: Confirmed, user, note: str) -> ImportPlan:
    """Write every row of a confirmed file, or nothing (ImportConflict); `note` goes on stock corrections."""
    try:
        return _apply(cooperative_id, province_code, file.data, file.fingerprint, user, note)
    except (products.SkuTaken, InsufficientStock) as exc:  # a product or an order landed meanwhile
        raise ImportConflict from exc


@write_transaction
def _apply(cooperative_id: int, province_code: int, data: bytes, fingerprint: str, user, note: str) -> ImportPlan:
    plan = check_import(cooperative_id, province_code, data)
    if not plan.ok or plan.fingerprint != fingerprint:
        raise ImportConflict
    saved = [_apply_row(cooperative_id, row, user, note) for row in plan.rows]
    reindex_products([product_id for product_id in saved if product_id is not None])
    return plan


def _apply_row(cooperative_id: int, row: RowPlan, user, note: str) -> int | None:
    """Apply one row; the id of the product when its details were saved (to reindex), else None."""
    product_id, saved = row.product_id, None
    if row.action == CREATE or set(row.changed) - {"stock"}:
        product_id = saved = products.save_product(cooperative_id, product_id, row.values, user=user,
                                                   reindex=False).id
    if row.stock_after is not None and row.stock_after != row.stock_before:
        products.set_stock(cooperative_id, product_id, row.stock_after, user, note)
    return saved
