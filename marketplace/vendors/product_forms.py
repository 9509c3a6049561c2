"""The product form: one set of rules for the form page and for each row of a CSV import."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..catalog.availability import season_months
from ..catalog.models import MAX_PRICE, CertificationKind, ProductStatus, VatRate
from ..inventory.models import MovementReason
from ..common.places import ward_choices, ward_in_province
from .forms import REQUIRED, stripped
from .products import Certificate, ProductValues

MONTHS = [(str(m), _l("Month %(month)d", month=m)) for m in range(1, 13)]
VAT_RATE_LABELS = {
    VatRate.NOT_SUBJECT: _l("Not subject to VAT (own produce, unprocessed)"),
    VatRate.ZERO: _l("0%"),
    VatRate.FIVE: _l("5% (e.g. produce at the commercial stage)"),
    VatRate.EIGHT: _l("8%"),
    VatRate.TEN: _l("10%"),
}
UNIT_SUGGESTIONS = ("kg", "hộp", "chai", "quả", "con", "bó", "túi", "khay 10 quả")
MAX_QUANTITY = 100_000


def _whole_number(label, *, required: bool = False, minimum: int = 0, maximum: int = MAX_QUANTITY, **kwargs):
    # InputRequired, not DataRequired: 0 is a value (a weight, a threshold), not a missing one.
    return IntegerField(label, validators=[InputRequired(message=REQUIRED) if required else Optional(), NumberRange(
        min=minimum, max=maximum, message=_l("Enter a whole number from %(min)d to %(max)d.", min=minimum,
                                             max=maximum))], render_kw={"inputmode": "numeric"}, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProductForm(FlaskForm):
    name = StringField(_l("Product name"), validators=[DataRequired(message=REQUIRED), Length(max=200)],
                       filters=[stripped])
    category = SelectField(_l("Category"), coerce=int, validate_choice=False)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)], filters=[stripped],
                                description=_l("Plain text; an empty line starts a new paragraph."))
    unit = StringField(_l("Unit"), validators=[DataRequired(message=REQUIRED), Length(max=30)], filters=[stripped],
                       description=_l("For example: kg, hộp, chai, quả, khay 10 quả."))
    price = _whole_number(_l("Price per unit (đồng)"), required=True, minimum=1, maximum=MAX_PRICE)
    compare_at_price = _whole_number(_l("Price before discount (đồng)"), minimum=1, maximum=MAX_PRICE,
                                     description=_l("Optional: shown crossed out; higher than the price."))
    vat_rate = SelectField(_l("VAT"), choices=[(rate.value, text) for rate, text in VAT_RATE_LABELS.items()],
                           default=VatRate.NOT_SUBJECT.value)
    weight_grams = _whole_number(_l("Weight per unit (grams)"), required=True, maximum=1_000_000,
                                 description=_l("With the packaging; shipping is priced by weight."))
    min_order_quantity = _whole_number(_l("Minimum order quantity"), required=True, minimum=1, default=1)
    max_order_quantity = _whole_number(_l("Maximum order quantity"), minimum=1,
                                       description=_l("Optional: leave empty for no limit."))
    sku = StringField(_l("SKU (your own product code)"), validators=[Optional(), Length(max=40), Regexp(
        r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits, dots, dashes and underscores."))], filters=[stripped])
    low_stock_threshold = _whole_number(_l("Warn me when stock is at or below"), required=True, default=5)
    origin_ward = SelectField(_l("Grown or made in (commune or ward)"), coerce=int, validate_choice=False)
    season = MultiCheckboxField(_l("Season"), choices=MONTHS, description=_l("No month ticked means all year."))
    ocop_stars = SelectField(_l("OCOP stars"), choices=[("", "—"), ("3", "3"), ("4", "4"), ("5", "5")])
    ocop_number = StringField(_l("OCOP certificate number"), validators=[Optional(), Length(max=60)],
                              filters=[stripped])
    ocop_expires_on = DateField(_l("OCOP certificate valid until"), validators=[Optional()])
    vietgap_number = StringField(_l("VietGAP certificate number"), validators=[Optional(), Length(max=60)],
                                 filters=[stripped])
    vietgap_expires_on = DateField(_l("VietGAP certificate valid until"), validators=[Optional()])
    organic_number = StringField(_l("Organic certificate number"), validators=[Optional(), Length(max=60)],
                                 filters=[stripped])
    organic_expires_on = DateField(_l("Organic certificate valid until"), validators=[Optional()])
    publish = BooleanField(_l("Published: buyers can see and order it"))

    def __init__(self, *args, categories: list[tuple[int, str]], province_code: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = categories
        self.province_code = province_code
        self.origin_ward.choices = ward_choices(province_code)

    def validate_category(self, field) -> None:
        if field.data not in {value for value, _ in self.category.choices}:
            raise ValidationError(_l("Choose a category from the list."))

    def validate_origin_ward(self, field) -> None:
        if not ward_in_province(field.data or 0, self.province_code):
            raise ValidationError(_l("Choose a commune or ward of the chosen province."))

    def validate_compare_at_price(self, field) -> None:
        if field.data is not None and self.price.data is not None and field.data <= self.price.data:
            raise ValidationError(_l("The price before discount must be higher than the price."))

    def validate_max_order_quantity(self, field) -> None:
        minimum = self.min_order_quantity.data
        if field.data is not None and minimum is not None and field.data < minimum:
            raise ValidationError(_l("The maximum cannot be below the minimum order quantity."))

    def validate_ocop_number(self, field) -> None:
        if field.data and not self.ocop_stars.data:
            raise ValidationError(_l("Choose the number of OCOP stars of this certificate."))

    def validate_season(self, field) -> None:
        if not set(field.data or []) <= {value for value, _ in MONTHS}:
            raise ValidationError(_l("Tick months from the list."))

    def certificates(self) -> tuple[Certificate, ...]:
        found = []
        if self.ocop_stars.data:
            found.append(Certificate(CertificationKind.OCOP, self.ocop_number.data or "", self.ocop_expires_on.data,
                                     int(self.ocop_stars.data)))
        for kind in (CertificationKind.VIETGAP, CertificationKind.ORGANIC):
            number = self[f"{kind.value}_number"].data
            if number:
                found.append(Certificate(kind, number, self[f"{kind.value}_expires_on"].data))
        return tuple(found)

    def to_values(self) -> ProductValues:
        return ProductValues(
            name=self.name.data, category_id=self.category.data, description=self.description.data or "",
            unit=self.unit.data, price=self.price.data, compare_at_price=self.compare_at_price.data,
            vat_rate=VatRate(self.vat_rate.data), weight_grams=self.weight_grams.data,
            min_order_quantity=self.min_order_quantity.data, max_order_quantity=self.max_order_quantity.data,
            sku=self.sku.data or "", low_stock_threshold=self.low_stock_threshold.data,
            origin_ward_code=self.origin_ward.data, origin_province_code=self.province_code,
            season=tuple(sorted(int(m) for m in self.season.data or [])), certificates=self.certificates(),
            publish=self.publish.data,
        )



# Reasons staff record by hand (sales and cancellations come from orders), and their direction.
MANUAL_REASONS = {
    MovementReason.HARVEST: (_l("Harvest or goods received"), 1),
    MovementReason.RETURN: (_l("Returned by a buyer"), 1),
    MovementReason.SPOILAGE: (_l("Spoiled or lost"), -1),
    MovementReason.CORRECTION: (_l("Correction (add)"), 1),
}


class MovementForm(FlaskForm):
    reason = SelectField(_l("What happened"), choices=[(r.value, text) for r, (text, _) in MANUAL_REASONS.items()])
    quantity = _whole_number(_l("Quantity"), required=True, minimum=1)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)], filters=[stripped])

    def signed_quantity(self) -> int:
        return self.quantity.data * MANUAL_REASONS[MovementReason(self.reason.data)][1]


class ImageForm(FlaskForm):
    image = FileField(_l("Photo (JPEG, PNG or WebP, at most 8 MB)"), validators=[FileRequired(
        message=_l("Choose a photo to upload."))])


class StockCountForm(FlaskForm):
    counted = _whole_number(_l("Units counted"), required=True)


_SAME_NAMED = ("name", "description", "unit", "price", "compare_at_price", "weight_grams", "min_order_quantity",
               "max_order_quantity", "sku", "low_stock_threshold")


def form_data_of(product) -> dict:
    """The form's initial data for a saved product (ProductForm(data=...))."""
    certificates = {cert.kind: cert for cert in product.certifications}
    data = {name: getattr(product, name) for name in _SAME_NAMED}
    data.update(category=product.category_id, origin_ward=product.origin_ward_code, vat_rate=product.vat_rate.value,
                season=[str(m) for m in season_months(product.season_months)],
                publish=product.status == ProductStatus.PUBLISHED)
    for kind, cert in certificates.items():
        data[f"{kind.value}_number"] = cert.certificate_number
        data[f"{kind.value}_expires_on"] = cert.expires_on
    if CertificationKind.OCOP in certificates:
        data["ocop_stars"] = str(certificates[CertificationKind.OCOP].ocop_stars)
    return data
