"""Bank transfers: what the buyer is shown to pay each cooperative (a VietQR code and the same
data as text), and recording a transfer the cooperative has seen arrive."""
from __future__ import annotations

from dataclasses import dataclass

from ..common.banks import bank_name
from ..orders.models import Order, PaymentMethod, VendorOrder, VendorOrderEvent
from ..orders.states import VendorOrderState
from ..transaction import write_transaction
from . import records, vietqr
from .models import Payment, PaymentKind, PaymentStatus
from .records import PaymentRefused


@dataclass(frozen=True)
class TransferInstruction:
    vendor_order: VendorOrder
    bank_name: str
    account_number: str
    account_holder: str
    amount: int
    message: str
    qr_payload: str


def instructions(order: Order) -> list[TransferInstruction]:
    """For each part still waiting for its transfer: where to send how much, with which message."""
    if order.payment_method != PaymentMethod.BANK_TRANSFER:
        return []
    waiting = [vo for vo in order.vendor_orders if vo.state == VendorOrderState.PENDING_PAYMENT]
    owed = records.balances(vo.id for vo in waiting)
    result = []
    for part in waiting:
        cooperative, amount = part.cooperative, owed[part.id].missing
        if amount <= 0 or not cooperative.bank_account_number:
            continue
        message = vietqr.transfer_message(part.code)
        result.append(TransferInstruction(
            part, bank_name(cooperative.bank_bin), cooperative.bank_account_number,
            cooperative.bank_account_holder, amount, message,
            vietqr.payload(cooperative.bank_bin, cooperative.bank_account_number, amount, message)))
    return result


@write_transaction
def record_received(cooperative_id: int, vendor_order_id: int, user, amount: int, reference: str,
                    note: str = "") -> tuple[Payment, list[VendorOrderEvent]]:
    """A transfer the cooperative saw arrive (in its banking app or on a statement): a settled
    payment record; a part now paid in full moves to placed."""
    vendor_order = records.own_vendor_order(cooperative_id, vendor_order_id)
    if vendor_order.order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise PaymentRefused(records.WRONG_METHOD)
    if not reference.strip():
        raise PaymentRefused(records.REFERENCE_NEEDED)
    payment = records.record(PaymentKind.PAYMENT, PaymentMethod.BANK_TRANSFER, vendor_order.order_id,
                             {vendor_order_id: amount}, status=PaymentStatus.SUCCEEDED, user=user,
                             reference=reference, note=note)
    return payment, records.release_paid_parts([vendor_order_id])
