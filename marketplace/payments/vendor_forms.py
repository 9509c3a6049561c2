"""The cooperative's payment forms (cash collected at delivery, a carrier's remittance, a transfer
received, a refund and its paying back), and the forms a vendor order's payment section offers
(shown by the orders area's page and by the refused forms' pages here)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..accounts.forms import REQUIRED
from ..i18n import vnd
from ..labels import LABELS
from ..orders.models import OrderLine, PaymentMethod, VendorOrder
from ..orders.states import VendorOrderState
from ..vendors.forms import stripped
from ..vendors.settings_forms import AmountField, WholeNumberField
from . import records, refunds
from .models import Collector
from .records import PaymentRefused
from .vendor_payments import OrderPayments

MAX_AMOUNT = 100_000_000_000
AMOUNT_RANGE = _l("Enter an amount from %(min)d to %(max)d đồng.")
UNITS_RANGE = _l("Enter a whole number from %(min)d to %(max)d.")


def _amount(label, minimum: int, **kwargs) -> AmountField:
    return AmountField(label, validators=[InputRequired(message=REQUIRED),
                                          NumberRange(min=minimum, max=MAX_AMOUNT, message=AMOUNT_RANGE)], **kwargs)


def _note(label, description=None) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=2000)], filters=[stripped], default="",
                         description=description)


def _reference(label, required: bool, description=None) -> StringField:
    presence = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(label, validators=[presence, Length(max=120)], filters=[stripped], default="",
                       description=description)


class RefusalShown(FlaskForm):
    """A form that shows a service's PaymentRefused on the field it is about (REFUSAL_FIELDS),
    or above the form when it is about none."""

    REFUSAL_FIELDS: dict[str, str] = {}

    def show_refusal(self, refused: PaymentRefused) -> None:
        field = self.REFUSAL_FIELDS.get(refused.reason)
        message = refusal_message(refused)
        if field is None:
            self.form_errors.append(message)
        else:
            self[field].errors = [*self[field].errors, message]


def refusal_message(refused: PaymentRefused) -> str:
    if refused.reason == records.DIFFERENCE_UNEXPLAINED:
        return _("This differs from the %(due)s still due: say why in the note.", due=vnd(refused.amount))
    if refused.reason == refunds.MORE_THAN_PAID:
        return _("At most %(amount)s can still be refunded.", amount=vnd(refused.amount))
    return {
        records.NOT_POSITIVE: _("Enter an amount above 0 đồng."),
        records.REFERENCE_NEEDED: REQUIRED,
        records.WRONG_METHOD: _("This order is not paid that way. Nothing was recorded."),
        records.ALREADY_SETTLED: _("This was already recorded. Nothing was changed."),
        refunds.REASON_NEEDED: REQUIRED,
        refunds.NOT_SOLD_IN_IT: _("More units back in stock than this order sold. Nothing was recorded."),
    }[refused.reason]


class CashForm(RefusalShown):
    """Mark a cash-on-delivery part delivered and record the cash collected."""

    REFUSAL_FIELDS = {records.NOT_POSITIVE: "amount", records.DIFFERENCE_UNEXPLAINED: "note"}

    amount = _amount(_l("Amount collected (đồng)"), 1)
    collected_by = RadioField(_l("Collected by"), default=Collector.COOPERATIVE.value,
                              choices=[(c.value, LABELS[c]) for c in Collector],
                              validators=[InputRequired(message=REQUIRED)])
    reference = _reference(_l("Carrier's remittance reference"), False,
                           _l("Only when the carrier collected. Leave it empty until the carrier pays the cash over."))
    note = _note(_l("Note"), _l("Needed when the amount differs from what is due: say why."))

    @property
    def collector(self) -> Collector:
        return Collector(self.collected_by.data)


class RemittanceForm(RefusalShown):
    """The carrier paid over the cash it collected, less its fee."""

    REFUSAL_FIELDS = {records.REFERENCE_NEEDED: "reference", records.NOT_POSITIVE: "fee"}

    reference = _reference(_l("Remittance reference"), True, _l("As on the carrier's statement or transfer."))
    fee = AmountField(_l("Fee kept by the carrier (đồng)"), default=0,
                      validators=[Optional(), NumberRange(min=0, max=MAX_AMOUNT, message=AMOUNT_RANGE)])

    @property
    def fee_amount(self) -> int:
        return self.fee.data or 0


class ReceivedForm(RefusalShown):
    """A bank transfer the cooperative saw arrive."""

    REFUSAL_FIELDS = {records.NOT_POSITIVE: "amount", records.REFERENCE_NEEDED: "reference"}

    amount = _amount(_l("Amount received (đồng)"), 1)
    reference = _reference(_l("Bank reference"), True, _l("The transaction number in your banking app."))
    note = _note(_l("Note"))


class PaidBackForm(RefusalShown):
    """A cash or transfer refund was paid back to the buyer."""

    REFUSAL_FIELDS = {records.REFERENCE_NEEDED: "reference"}

    reference = _reference(_l("Bank reference of the money paid back"), True,
                           _l("The transaction number in your banking app."))


def paid_back_form(refund_id: int, **kwargs) -> PaidBackForm:
    """Prefixed by the refund: a page with several refunds waiting has one form each, ids unique."""
    return PaidBackForm(prefix=f"paid-back-{refund_id}", **kwargs)


class RefundForm(RefusalShown):
    """Refund part or all of what was paid for a vendor order. refund_form() makes one per vendor
    order, with a "units back in stock" field per line (RETURN_FIELDS: field name, product id)."""

    REFUSAL_FIELDS = {refunds.MORE_THAN_PAID: "amount", refunds.REASON_NEEDED: "reason"}
    RETURN_FIELDS: tuple[tuple[str, int], ...] = ()

    amount = _amount(_l("Amount to refund (đồng)"), 1)
    reason = TextAreaField(_l("Reason (the buyer will be told)"),
                           validators=[DataRequired(message=REQUIRED), Length(max=2000)], filters=[stripped],
                           default="")
    reference = _reference(_l("Bank reference of the money paid back"), False,
                           _l("Leave it empty if you pay it back later: the refund then waits for it."))

    @property
    def return_fields(self) -> list:
        return [self[name] for name, _product_id in self.RETURN_FIELDS]

    @property
    def returned(self) -> dict[int, int]:
        """{product_id: units back in stock}, lines with none left out."""
        return {product_id: self[name].data for name, product_id in self.RETURN_FIELDS if self[name].data}

    @property
    def bank_reference(self) -> str:
        return self.reference.data if self.reference else ""


def refund_form(vendor_order: VendorOrder, **kwargs) -> RefundForm:
    """The refund form of this vendor order (kwargs as for any form). A line whose product is gone
    cannot go back to stock; a card refund gets its reference from the gateway, not from a field."""
    lines = [line for line in vendor_order.lines if line.product_id is not None]
    fields = {f"back_{line.product_id}": _units_back(line) for line in lines}
    fields["RETURN_FIELDS"] = tuple((f"back_{line.product_id}", line.product_id) for line in lines)
    if vendor_order.order.payment_method == PaymentMethod.CARD:
        fields["reference"] = None
    form_class = type(RefundForm)("VendorOrderRefundForm", (RefundForm,), fields)
    return form_class(**kwargs)


def _units_back(line: OrderLine) -> WholeNumberField:
    return WholeNumberField(
        _("%(product)s: units back in stock", product=line.product_name), default=0,
        description=_("Sold: %(quantity)d %(unit)s.", quantity=line.quantity, unit=line.unit),
        validators=[Optional(), NumberRange(min=0, max=line.quantity, message=UNITS_RANGE)])


@dataclass(frozen=True)
class PaymentForms:
    """The forms a vendor order's payment section offers (None for those that do not apply)."""

    cash: CashForm | None
    received: ReceivedForm | None
    remittance: RemittanceForm | None
    paid_back: dict[int, PaidBackForm]  # by refund id
    refund: RefundForm | None


def payment_forms(vendor_order: VendorOrder, payments: OrderPayments) -> PaymentForms:
    """Cash at delivery for a shipped cash-on-delivery part; a transfer received for any
    bank-transfer part (even a cancelled one: money may still arrive); a remittance while a
    carrier's collection waits for one; paid back for each cash or transfer refund waiting; a
    refund while some of what was paid is not refunded."""
    missing = payments.balance.missing
    method = vendor_order.order.payment_method
    shipped_cod = method == PaymentMethod.COD and vendor_order.state == VendorOrderState.SHIPPED
    paid_back_by_hand = [] if method == PaymentMethod.CARD else payments.refunds_to_settle
    return PaymentForms(
        cash=CashForm(formdata=None, amount=missing) if shipped_cod else None,
        received=ReceivedForm(formdata=None, amount=missing or None) if method == PaymentMethod.BANK_TRANSFER else None,
        remittance=RemittanceForm(formdata=None) if payments.awaiting_remittance else None,
        paid_back={refund.id: paid_back_form(refund.id, formdata=None) for refund in paid_back_by_hand},
        refund=refund_form(vendor_order, formdata=None, amount=payments.refundable) if payments.refundable > 0 else None)
