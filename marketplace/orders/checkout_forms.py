"""The checkout form: delivery, payment and invoice request, checked before an order is placed."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from ..accounts.forms import REQUIRED
from ..common.places import ward_in_province
from ..common.taxcode import is_valid_tax_code
from ..labels import LABELS
from ..place_fields import check_province, check_ward, fill_place_choices, province_field, ward_field
from ..vendors.forms import mobile_number, stripped
from .models import InvoiceType, PaymentMethod
from .placement import Checkout, Delivery, InvoiceRequest

# What each invoice request needs beyond the delivery fields (the email is where it is sent).
REQUIRED_FOR_INVOICE = {
    InvoiceType.NONE: (),
    InvoiceType.PERSONAL: ("email",),
    InvoiceType.COMPANY: ("email", "invoice_name", "invoice_tax_code", "invoice_address"),
}
EXPIRED = _l("This form has expired. Check your details and place the order again.")


def _email_field(label, description: str = "") -> EmailField:
    return EmailField(label, description=description, validators=[Optional(), Length(max=254), Email(
        message=_l("Enter a valid email address, for example ten@example.com."))], filters=[stripped],
        render_kw={"autocomplete": "email"})


def _text(label, max_length: int, required: bool = False, **render_kw) -> StringField:
    presence = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(label, validators=[presence, Length(max=max_length)], filters=[stripped],
                       render_kw=render_kw or None)


class PaymentMethodForm(FlaskForm):
    """An unpaid card order paid another way instead."""

    method = RadioField(_l("Pay instead by"), validators=[DataRequired(message=REQUIRED)],
                        choices=[(PaymentMethod.BANK_TRANSFER.value, LABELS[PaymentMethod.BANK_TRANSFER]),
                                 (PaymentMethod.COD.value, LABELS[PaymentMethod.COD])])


class CheckoutForm(FlaskForm):
    full_name = _text(_l("Full name"), 120, required=True, autocomplete="name")
    phone = StringField(_l("Mobile phone"), validators=[DataRequired(message=REQUIRED), mobile_number],
                        filters=[stripped], render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = _email_field(_l("Email"), _l("Optional, for news of your order; needed for an invoice."))
    province = province_field(validators=[DataRequired(message=REQUIRED)])
    ward = ward_field(validators=[DataRequired(message=REQUIRED)])
    address_line = _text(_l("House number, street, village"), 255, required=True, autocomplete="street-address")
    note = TextAreaField(_l("Note for the cooperatives"), validators=[Optional(), Length(max=1000)],
                         filters=[stripped])
    payment_method = RadioField(_l("Payment"), default=PaymentMethod.COD.value, validate_choice=False)
    invoice_type = RadioField(_l("Invoice"), default=InvoiceType.NONE.value, validate_choice=False,
                              choices=[(t.value, LABELS[t]) for t in InvoiceType])
    invoice_name = _text(_l("Company name"), 255)
    invoice_tax_code = _text(_l("Tax code (MST)"), 14, inputmode="numeric")
    invoice_address = _text(_l("Company address"), 255)
    invoice_email = _email_field(_l("Email for the invoice"))
    save_address = BooleanField(_l("Save this address for my next orders"))
    checkout_token = HiddenField(validators=[Regexp(r"^[A-Za-z0-9_-]{16,64}$", message=EXPIRED)])

    def __init__(self, *args, payment_methods: tuple[PaymentMethod, ...] = (PaymentMethod.COD,), **kwargs):
        super().__init__(*args, **kwargs)
        self.payment_method.choices = [(m.value, LABELS[m]) for m in payment_methods]
        fill_place_choices(self.province, self.ward, fresh_form=not self.is_submitted())

    def forget_ward_of_another_province(self) -> None:
        if self.ward.data is not None and not ward_in_province(self.ward.data, self.province.data or 0):
            self.ward.data = None

    def validate_province(self, field) -> None:
        check_province(field)

    def validate_ward(self, field) -> None:
        check_ward(field, self.province.data)

    def validate_payment_method(self, field) -> None:
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a payment method from the list."))

    def validate_invoice_type(self, field) -> None:
        if field.data not in set(InvoiceType):
            raise ValidationError(_l("Choose an invoice option from the list."))

    def validate_invoice_tax_code(self, field) -> None:
        if self.invoice_type.data == InvoiceType.COMPANY and not is_valid_tax_code(field.data):
            raise ValidationError(_l("This is not a valid tax code: check its 10 digits (and the 3-digit branch)."))

    def validate(self, extra_validators=None) -> bool:
        """Validate, and also require what the chosen invoice needs."""
        valid = super().validate(extra_validators)
        for name in REQUIRED_FOR_INVOICE.get(self.invoice_type.data, ()):
            field = self[name]
            if not field.data and not field.errors:
                field.errors = [*field.errors, REQUIRED]
                valid = False
        return valid

    def checkout(self, may_save_address: bool) -> Checkout:
        """What the validated form asks for, as placement takes it."""
        delivery = Delivery(
            full_name=self.full_name.data, phone=self.phone.data, province_code=self.province.data,
            ward_code=self.ward.data, address_line=self.address_line.data, email=self.email.data or "",
            note=self.note.data or "")
        return Checkout(token=self.checkout_token.data, delivery=delivery,
                        payment_method=PaymentMethod(self.payment_method.data), invoice=self._invoice(),
                        save_address=may_save_address and self.save_address.data)

    def _invoice(self) -> InvoiceRequest:
        kind = InvoiceType(self.invoice_type.data)
        if kind == InvoiceType.COMPANY:
            return InvoiceRequest(kind, self.invoice_name.data, self.invoice_tax_code.data, self.invoice_address.data,
                                  self.invoice_email.data or self.email.data)
        if kind == InvoiceType.PERSONAL:
            return InvoiceRequest(kind, name=self.full_name.data, email=self.email.data)
        return InvoiceRequest()
