"""Bank statement reconciliation: a cooperative imports its bank's statement export, each credit
line is kept once, and the lines that pay its own transfer orders become payment records.

Only the cooperative's own vendor orders paid by bank transfer are ever matched: a line naming
another cooperative's code stays unmatched. Lines are applied under a row lock, so two staff
applying the same line at once record one payment.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..orders.models import Order, PaymentMethod, VendorOrder, VendorOrderEvent
from ..orders.states import VendorOrderState
from ..transaction import write_transaction
from . import matching, records, statements
from .models import PaymentKind, PaymentStatus, StatementLine, StatementLineStatus, StatementMapping
from .statements import ColumnMapping, RowProblem

FINGERPRINT_LENGTH = 100  # StatementLine.fingerprint
MESSAGE_LENGTH = 500
REFERENCE_LENGTH = 120
SOURCE_FILE_LENGTH = 255
INSERT_ATTEMPTS = 3  # a concurrent import of the same lines is seen on the next attempt

# Why a chosen line was not applied (ApplyResult.skipped)
NOT_OPEN = "not_open"  # applied or ignored meanwhile
DIFFERENCE_NOT_ACCEPTED = "difference_not_accepted"  # partial or over: needs an explicit "apply anyway"
NOTHING_TO_PAY = "nothing_to_pay"  # unmatched or ambiguous

_APPLICABLE = {matching.EXACT, matching.PARTIAL, matching.OVER}


@dataclass(frozen=True)
class ImportResult:
    new: int = 0
    duplicates: int = 0
    debits: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """The file itself could not be read as a statement (nothing was stored)."""
        return any(problem.row == 0 for problem in self.problems)


@dataclass(frozen=True)
class OpenLine:
    """An open statement line with what it probably pays; `due` is what is due on each of the
    proposal's codes before this line, and `vendor_order_ids` their ids (for links)."""

    id: int
    proposal: matching.Proposal
    due: dict[str, int]
    vendor_order_ids: dict[str, int]


@dataclass(frozen=True)
class Skipped:
    line_id: int
    booked_on: date
    amount: int
    reason: str


@dataclass(frozen=True)
class ApplyResult:
    applied: list[int] = field(default_factory=list)  # line ids
    skipped: list[Skipped] = field(default_factory=list)
    events: list[VendorOrderEvent] = field(default_factory=list)  # parts released to placed: email after commit


def mapping_for(cooperative_id: int, bank_bin: str) -> ColumnMapping | None:
    """The mapping the cooperative saved for this bank, else the bank's preset, else None."""
    saved = db.session.scalar(select(StatementMapping.mapping).where(
        StatementMapping.cooperative_id == cooperative_id, StatementMapping.bank_bin == bank_bin))
    if saved is not None:
        return ColumnMapping.from_dict(saved)
    return statements.PRESETS.get(bank_bin)


@write_transaction
def save_mapping(cooperative_id: int, bank_bin: str, mapping: ColumnMapping) -> None:
    saved = db.session.scalar(select(StatementMapping).where(
        StatementMapping.cooperative_id == cooperative_id, StatementMapping.bank_bin == bank_bin)
        .with_for_update())
    if saved is None:
        db.session.add(StatementMapping(cooperative_id=cooperative_id, bank_bin=bank_bin, mapping=mapping.to_dict()))
    else:
        saved.mapping = mapping.to_dict()
    db.session.flush()


@write_transaction
def import_statement(cooperative_id: int, user, data: bytes, filename: str, mapping: ColumnMapping, *,
                     bank_bin: str = "") -> ImportResult:
    """Store the statement's credit lines not stored before for this cooperative (open). When the
    file could be read and `bank_bin` is given, the mapping is remembered for that bank."""
    read = statements.read_statement(data, filename, mapping)
    if any(problem.row == 0 for problem in read.problems):
        return ImportResult(problems=read.problems)
    if bank_bin:
        save_mapping(cooperative_id, bank_bin, mapping)
    by_fingerprint = _by_fingerprint(read.lines)
    new = _insert_new(cooperative_id, by_fingerprint, user, filename[:SOURCE_FILE_LENGTH])
    return ImportResult(new, len(read.lines) - new, read.debits, read.problems)


def _by_fingerprint(lines: Iterable[statements.StatementLine]) -> dict[str, statements.StatementLine]:
    """Lines by fingerprint. Identical lines without a bank reference within one file (two equal
    transfers on one day) are told apart by their occurrence, which is the same on every import."""
    seen: Counter[str] = Counter()
    result = {}
    for line in lines:
        fingerprint = statements.line_fingerprint(line)
        seen[fingerprint] += 1
        if not line.bank_reference and seen[fingerprint] > 1:
            fingerprint = f"{fingerprint}#{seen[fingerprint]}"
        if len(fingerprint) > FINGERPRINT_LENGTH:  # a very long bank reference
            fingerprint = "sha256:" + hashlib.sha256(fingerprint.encode()).hexdigest()
        result.setdefault(fingerprint, line)
    return result


def _insert_new(cooperative_id: int, by_fingerprint: dict[str, statements.StatementLine], user,
                source_file: str) -> int:
    """Insert the lines whose fingerprints are not stored yet; the unique constraint is the final
    guard against a concurrent import of the same lines."""
    attempts_left = INSERT_ATTEMPTS
    while True:
        stored = set(db.session.scalars(select(StatementLine.fingerprint).where(
            StatementLine.cooperative_id == cooperative_id, StatementLine.fingerprint.in_(list(by_fingerprint)))))
        new = [StatementLine(cooperative_id=cooperative_id, fingerprint=fingerprint, booked_on=line.booked_on,
                             amount=line.amount, message=line.message[:MESSAGE_LENGTH],
                             bank_reference=line.bank_reference[:REFERENCE_LENGTH], source_file=source_file,
                             imported_by_id=user.id if user is not None else None)
               for fingerprint, line in by_fingerprint.items() if fingerprint not in stored]
        try:
            with db.session.begin_nested():
                db.session.add_all(new)
            return len(new)
        except IntegrityError:
            attempts_left -= 1
            if not attempts_left:
                raise


def proposals(cooperative_id: int) -> list[OpenLine]:
    """The cooperative's open lines (oldest first) with what each probably pays among its own
    transfer orders that still have money missing."""
    lines = db.session.scalars(select(StatementLine).where(
        StatementLine.cooperative_id == cooperative_id, StatementLine.status == StatementLineStatus.OPEN)
        .order_by(StatementLine.booked_on, StatementLine.id)).all()
    if not lines:
        return []
    missing, ids = _open_parts(cooperative_id)
    proposed = matching.propose((_pure_line(line) for line in lines), missing)
    return [OpenLine(line.id, proposal, _due_before(proposal, missing), {code: ids[code] for code in proposal.codes})
            for line, proposal in zip(lines, proposed)]


def _due_before(proposal: matching.Proposal, missing: dict[str, int]) -> dict[str, int]:
    """What is due on each code before the line: less what earlier open lines are proposed to pay
    (known for the codes allocated; an ambiguous line's codes show what is missing now)."""
    return {code: missing[code] for code in proposal.codes} | {a.code: a.due_before for a in proposal.allocations}


def _pure_line(line: StatementLine) -> statements.StatementLine:
    return statements.StatementLine(row=line.id, booked_on=line.booked_on, amount=line.amount,
                                    message=line.message, bank_reference=line.bank_reference)


def _open_parts(cooperative_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """The cooperative's bank-transfer vendor orders (not cancelled) with money missing: what is
    missing and the id, each by code."""
    parts = records.parts_with_money_missing(
        VendorOrder.cooperative_id == cooperative_id, Order.payment_method == PaymentMethod.BANK_TRANSFER,
        VendorOrder.state != VendorOrderState.CANCELLED)
    return {code: missing for _id, code, missing in parts}, {code: vo_id for vo_id, code, _missing in parts}


@write_transaction
def apply(cooperative_id: int, line_ids: Collection[int], user, *, accept_difference: bool = False) -> ApplyResult:
    """Record what each chosen line pays: EXACT lines, and PARTIAL or OVER ones only with
    `accept_difference`. One settled bank-transfer payment per vendor order paid (reference: the
    line's bank reference; note: its transfer message); the line becomes applied. Raises
    LookupError, and applies nothing, when a chosen id is not one of the cooperative's lines."""
    chosen = _locked_lines(cooperative_id, line_ids)
    open_lines = {line.id: line for line in proposals(cooperative_id)}
    result = ApplyResult()
    for line in chosen:
        reason = _why_not_applied(line, open_lines.get(line.id), accept_difference)
        if reason:
            result.skipped.append(Skipped(line.id, line.booked_on, line.amount, reason))
            continue
        _record_payments(line, open_lines[line.id], user)
        result.applied.append(line.id)
    paid_parts = [vo_id for line_id in result.applied for vo_id in open_lines[line_id].vendor_order_ids.values()]
    result.events.extend(records.release_paid_parts(paid_parts))
    return result


def _locked_lines(cooperative_id: int, line_ids: Collection[int]) -> list[StatementLine]:
    ids = sorted(set(line_ids))
    lines = db.session.scalars(select(StatementLine).where(
        StatementLine.id.in_(ids), StatementLine.cooperative_id == cooperative_id)
        .order_by(StatementLine.id).with_for_update().execution_options(populate_existing=True)).all()
    if len(lines) != len(ids):
        raise LookupError(sorted(set(ids) - {line.id for line in lines}))
    return list(lines)


def _why_not_applied(line: StatementLine, open_line: OpenLine | None, accept_difference: bool) -> str:
    if line.status != StatementLineStatus.OPEN or open_line is None:
        return NOT_OPEN
    kind = open_line.proposal.kind
    if kind not in _APPLICABLE:
        return NOTHING_TO_PAY
    if kind != matching.EXACT and not accept_difference:
        return DIFFERENCE_NOT_ACCEPTED
    return ""


def _record_payments(line: StatementLine, open_line: OpenLine, user) -> None:
    """One payment per vendor order: a payment record belongs to one order, and a cooperative has
    one part of each order. The line keeps the first payment's id."""
    orders = dict(db.session.execute(select(VendorOrder.id, VendorOrder.order_id).where(
        VendorOrder.id.in_(open_line.vendor_order_ids.values()))).all())
    payments = [records.record(PaymentKind.PAYMENT, PaymentMethod.BANK_TRANSFER,
                               orders[open_line.vendor_order_ids[allocation.code]],
                               {open_line.vendor_order_ids[allocation.code]: allocation.amount},
                               status=PaymentStatus.SUCCEEDED, user=user, reference=line.bank_reference,
                               note=line.message)
                for allocation in open_line.proposal.allocations]
    line.status, line.payment_id = StatementLineStatus.APPLIED, payments[0].id
    db.session.flush()


@write_transaction
def ignore(cooperative_id: int, line_id: int) -> bool:
    """Mark an open line as not a buyer's payment; False when it was no longer open. LookupError
    when it is not one of the cooperative's lines."""
    [line] = _locked_lines(cooperative_id, [line_id])
    if line.status != StatementLineStatus.OPEN:
        return False
    line.status = StatementLineStatus.IGNORED
    db.session.flush()
    return True
