"""Cash on delivery: the cooperative records the cash collected when it marks the order
delivered, by its own staff (settled at once) or by the carrier (settled when the carrier's
remittance arrives, with its reference and the fee it kept)."""
from __future__ import annotations

from ..orders import fulfilment
from ..orders.models import PaymentMethod, VendorOrderEvent
from ..orders.states import Actor, VendorOrderState
from ..transaction import write_transaction
from . import records
from .models import Collector, Payment, PaymentKind, PaymentStatus
from .records import PaymentRefused


@write_transaction
def deliver_with_cash(cooperative_id: int, vendor_order_id: int, user, amount: int, collector: Collector, *,
                      reference: str = "", note: str = "") -> tuple[VendorOrderEvent, Payment]:
    """Mark this cooperative's cash-on-delivery part delivered and record the cash collected,
    together or not at all. A difference from what is still due needs a note saying why."""
    vendor_order = records.own_vendor_order(cooperative_id, vendor_order_id)
    if vendor_order.order.payment_method != PaymentMethod.COD:
        raise PaymentRefused(records.WRONG_METHOD)
    missing = records.balances([vendor_order_id])[vendor_order_id].missing
    if amount != missing and not note.strip():
        raise PaymentRefused(records.DIFFERENCE_UNEXPLAINED, missing)
    event = fulfilment.change_state(vendor_order_id, VendorOrderState.DELIVERED, Actor.COOPERATIVE, user)
    settled = collector == Collector.COOPERATIVE or bool(reference.strip())
    payment = records.record(
        PaymentKind.PAYMENT, PaymentMethod.COD, vendor_order.order_id, {vendor_order_id: amount},
        status=PaymentStatus.SUCCEEDED if settled else PaymentStatus.PENDING, user=user,
        reference=reference, collector=collector, note=note)
    return event, payment


@write_transaction
def record_remittance(cooperative_id: int, payment_id: int, user, reference: str, fee: int = 0) -> Payment:
    """The carrier paid the cash it collected over, less its fee: the collection settles with the
    remittance's reference, and the fee becomes a record of its own."""
    payment = records.owned_payment(cooperative_id, payment_id)
    if payment.collector != Collector.CARRIER:
        raise LookupError(payment_id)
    if fee < 0 or fee > payment.amount:
        raise PaymentRefused(records.NOT_POSITIVE)
    records.settle_with_reference(payment, reference)
    if fee:
        records.record(PaymentKind.FEE, PaymentMethod.COD, payment.order_id, {payment.allocations[0].vendor_order_id: fee},
                       status=PaymentStatus.SUCCEEDED, user=user, reference=reference, collector=Collector.CARRIER)
    return payment
