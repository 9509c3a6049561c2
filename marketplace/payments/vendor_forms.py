"""The cooperative's payment forms (cash collected at delivery, a carrier's remittance, a transfer
received), the words for payment records, and the payment section of a vendor order's page
(shown by the orders area's page and by the refused forms' pages here)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..accounts.forms import REQUIRED
from ..extensions import db
from ..i18n import vnd
from ..orders.models import PaymentMethod, VendorOrder
from ..orders.states import VendorOrderState
from ..vendors.forms import stripped
from ..vendors.settings_forms import AmountField
from . import records
from .models import Collector, Payment, PaymentAllocation, PaymentKind, PaymentStatus
from .records import Balance, PaymentRefused

MAX_AMOUNT = 100_000_000_000
AMOUNT_RANGE = _l("Enter an amount from %(min)d to %(max)d đồng.")

# What a payment record's kind, status and collector are called on the cooperative's pages.
PAYMENT_WORDS = {
    PaymentKind.PAYMENT: _l("Buyer's payment"),
    PaymentKind.REFUND: _l("Refund"),
    PaymentKind.FEE: _l("Fee"),
    PaymentKind.PAYOUT: _l("Payout"),
    PaymentStatus.PENDING: _l("Waiting"),
    PaymentStatus.SUCCEEDED: _l("Received"),
    PaymentStatus.FAILED: _l("Failed"),
    Collector.COOPERATIVE: _l("Our staff"),
    Collector.CARRIER: _l("The carrier"),
}


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
    return {
        records.NOT_POSITIVE: _("Enter an amount above 0 đồng."),
        records.REFERENCE_NEEDED: REQUIRED,
        records.WRONG_METHOD: _("This order is not paid that way. Nothing was recorded."),
        records.ALREADY_SETTLED: _("This was already recorded. Nothing was changed."),
    }[refused.reason]


class CashForm(RefusalShown):
    """Mark a cash-on-delivery part delivered and record the cash collected."""

    REFUSAL_FIELDS = {records.NOT_POSITIVE: "amount", records.DIFFERENCE_UNEXPLAINED: "note"}

    amount = _amount(_l("Amount collected (đồng)"), 1)
    collected_by = RadioField(_l("Collected by"), default=Collector.COOPERATIVE.value,
                              choices=[(c.value, PAYMENT_WORDS[c]) for c in Collector],
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


@dataclass(frozen=True)
class PaymentSection:
    """A vendor order's payments as its page shows them: the balance, its shares of payment
    records (oldest first), the carriers' collections waiting for a remittance, and the forms
    that apply (None for those that do not)."""

    balance: Balance
    allocations: list[PaymentAllocation]
    awaiting_remittance: list[Payment]
    cash: CashForm | None
    received: ReceivedForm | None
    remittance: RemittanceForm | None


def payment_section(vendor_order: VendorOrder) -> PaymentSection:
    """Cash at delivery for a shipped cash-on-delivery part; a transfer received for any
    bank-transfer part (even a cancelled one: money may still arrive); a remittance while a
    carrier's collection waits for one."""
    balance = records.balances([vendor_order.id])[vendor_order.id]
    allocations = allocations_of(vendor_order.id)
    awaiting = [a.payment for a in allocations if awaits_remittance(a.payment)]
    method = vendor_order.order.payment_method
    shipped_cod = method == PaymentMethod.COD and vendor_order.state == VendorOrderState.SHIPPED
    return PaymentSection(
        balance, allocations, awaiting,
        cash=CashForm(formdata=None, amount=balance.missing) if shipped_cod else None,
        received=(ReceivedForm(formdata=None, amount=balance.missing or None)
                  if method == PaymentMethod.BANK_TRANSFER else None),
        remittance=RemittanceForm(formdata=None) if awaiting else None)


def allocations_of(vendor_order_id: int) -> list[PaymentAllocation]:
    return db.session.scalars(
        select(PaymentAllocation).join(PaymentAllocation.payment)
        .options(contains_eager(PaymentAllocation.payment).joinedload(Payment.recorded_by))
        .where(PaymentAllocation.vendor_order_id == vendor_order_id)
        .order_by(Payment.created_at, Payment.id)).all()


def awaits_remittance(payment: Payment) -> bool:
    return payment.collector == Collector.CARRIER and payment.status == PaymentStatus.PENDING
