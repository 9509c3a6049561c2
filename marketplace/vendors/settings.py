"""A cooperative's settings: public profile with its images, shipping fees, and the bank account,
whose change waits for an admin's verification (a stolen login must not redirect payouts).

Only the owner changes them. Each public function that writes is one transaction and records its
audit entry in it; image files are written before it and old ones removed only after it commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ..audit import services as audit
from ..database import utcnow
from ..common.banks import bank_name
from ..extensions import db
from ..transaction import write_transaction
from . import images
from .models import Cooperative, MemberRole
from .services import may_see_unpublished
from .shipping import ShippingRates, shipping_fee

PROFILE_FIELDS = ("description", "contact_phone", "contact_email", "founded_year", "member_count")
SHIPPING_FIELDS = ("shipping_flat_fee", "shipping_fee_per_kg", "free_shipping_threshold",
                   "in_province_flat_fee", "in_province_fee_per_kg")
IMAGE_COLUMNS = {images.LOGO: "logo_image", images.COVER: "cover_image"}
# Parcels the shipping page prices as examples, in grams.
EXAMPLE_WEIGHTS = (1000, 2500, 5000)


class SettingsRefused(Exception):
    """The change cannot be made as asked; `reason` says why, `field` which field it is about."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(reason)
        self.reason, self.field = reason, field


# Reasons (the views turn them into messages), besides those of vendors.images
SAME_ACCOUNT = "same_account"
NO_PENDING_CHANGE = "no_pending_change"
PENDING_CHANGED = "pending_changed"


@dataclass(frozen=True)
class BankAccount:
    bank_bin: str
    account_number: str
    holder: str

    def described(self) -> str:
        return f"{bank_name(self.bank_bin)} {self.account_number} ({self.holder})"


def active_account(cooperative: Cooperative) -> BankAccount:
    return BankAccount(cooperative.bank_bin, cooperative.bank_account_number, cooperative.bank_account_holder)


def pending_account(cooperative: Cooperative) -> BankAccount | None:
    if not cooperative.pending_bank_account_number:
        return None
    return BankAccount(cooperative.pending_bank_bin, cooperative.pending_bank_account_number,
                       cooperative.pending_bank_account_holder)


def _owned_cooperative(user) -> Cooperative:
    """The user's cooperative, locked for the change; PermissionError unless they own it."""
    membership = user.membership
    if membership is None or membership.role != MemberRole.OWNER:
        raise PermissionError("only a cooperative's owner changes its settings")
    return db.session.get(Cooperative, membership.cooperative_id, with_for_update=True)


def _locked(cooperative_id: int) -> Cooperative:
    cooperative = db.session.get(Cooperative, cooperative_id, with_for_update=True)
    if cooperative is None:
        raise LookupError(cooperative_id)
    return cooperative


def _target(cooperative: Cooperative) -> str:
    return f"cooperative {cooperative.slug}"


def _changes(cooperative: Cooperative, values: dict) -> dict[str, list]:
    """Set the values; what changed, as {name: [before, after]}."""
    changed = {}
    for name, value in values.items():
        before = getattr(cooperative, name)
        if before != value:
            changed[name] = [before, value]
            setattr(cooperative, name, value)
    return changed


# Profile

def update_profile(owner, values: dict, uploads: dict[str, bytes], removals: set[str],
                   upload_folder: str) -> Cooperative:
    """Save the profile fields, the uploaded images ({kind: bytes}) and remove the images of the
    kinds in `removals`. Raises SettingsRefused (field: the kind) for an upload that is no image
    we take; then nothing is saved. Replaced images' files are removed once the change is saved."""
    new_names = {}
    try:
        for kind, data in uploads.items():
            new_names[kind] = _stored_image(kind, data, upload_folder)
        cooperative, replaced = _save_profile(owner, values, new_names, removals)
    except BaseException:
        for kind, stored_name in new_names.items():
            images.remove(upload_folder, kind, stored_name)
        raise
    for kind, stored_name in replaced.items():
        images.remove(upload_folder, kind, stored_name)
    return cooperative


def _stored_image(kind: str, data: bytes, upload_folder: str) -> str:
    try:
        files = images.renditions(kind, data)
    except images.ImageRefused as refused:
        raise SettingsRefused(refused.reason, kind) from refused
    stored_name = images.new_stored_name()
    images.save(upload_folder, stored_name, files)
    return stored_name


@write_transaction
def _save_profile(owner, values: dict, new_names: dict[str, str],
                  removals: set[str]) -> tuple[Cooperative, dict[str, str]]:
    cooperative = _owned_cooperative(owner)
    image_values = {IMAGE_COLUMNS[kind]: "" for kind in removals}
    image_values.update({IMAGE_COLUMNS[kind]: name for kind, name in new_names.items()})
    before = {kind: getattr(cooperative, column) for kind, column in IMAGE_COLUMNS.items()}
    changed = _changes(cooperative, {name: values[name] for name in PROFILE_FIELDS} | image_values)
    if changed:
        audit.record("cooperative.profile_updated", actor=owner, cooperative=cooperative,
                     target=_target(cooperative), details={"changed": sorted(changed)})
    replaced = {kind: name for kind, name in before.items() if name and IMAGE_COLUMNS[kind] in changed}
    return cooperative, replaced


def image_owner(user, file_name: str) -> Cooperative | None:
    """The cooperative whose logo or cover this file is, if this user may see it: anyone when the
    cooperative is approved, else only its members and admins. None otherwise, as for a name we
    never made."""
    parsed = images.parse_file_name(file_name)
    if parsed is None:
        return None
    stored_name, width = parsed
    cooperative = db.session.scalar(select(Cooperative).where(
        or_(Cooperative.logo_image == stored_name, Cooperative.cover_image == stored_name)))
    if cooperative is None:
        return None
    kind = images.LOGO if cooperative.logo_image == stored_name else images.COVER
    if width not in images.WIDTHS[kind]:
        return None
    return cooperative if cooperative.is_approved or may_see_unpublished(user, cooperative.id) else None


# Shipping

def shipping_rates(cooperative: Cooperative) -> ShippingRates:
    return ShippingRates(
        flat_fee=cooperative.shipping_flat_fee, fee_per_kg=cooperative.shipping_fee_per_kg,
        free_shipping_threshold=cooperative.free_shipping_threshold,
        in_province_flat_fee=cooperative.in_province_flat_fee,
        in_province_fee_per_kg=cooperative.in_province_fee_per_kg,
    )


def fee_examples(cooperative: Cooperative) -> list[tuple[int, int, int]]:
    """(grams, fee in the province, fee elsewhere) for a few parcels of an order below the threshold."""
    rates = shipping_rates(cooperative)
    return [(grams, shipping_fee(rates, grams, 0, True), shipping_fee(rates, grams, 0, False))
            for grams in EXAMPLE_WEIGHTS]


@write_transaction
def update_shipping(owner, values: dict) -> Cooperative:
    """Save the fees (non-negative đồng, checked by the form); the audit entry keeps before and after."""
    cooperative = _owned_cooperative(owner)
    changed = _changes(cooperative, {name: values[name] for name in SHIPPING_FIELDS})
    if changed:
        audit.record("cooperative.shipping_updated", actor=owner, cooperative=cooperative,
                     target=_target(cooperative), details=changed)
    return cooperative


# Bank account

def _account_details(account: BankAccount) -> dict:
    return {"bank_bin": account.bank_bin, "account_number": account.account_number, "holder": account.holder}


@write_transaction
def request_bank_change(owner, account: BankAccount) -> Cooperative:
    """Keep the new account as pending (replacing an earlier request); payouts are unchanged until
    an admin verifies it. The account already in use is refused."""
    cooperative = _owned_cooperative(owner)
    if account == active_account(cooperative):
        raise SettingsRefused(SAME_ACCOUNT, "bank_account_number")
    cooperative.pending_bank_bin = account.bank_bin
    cooperative.pending_bank_account_number = account.account_number
    cooperative.pending_bank_account_holder = account.holder
    cooperative.pending_bank_requested_at = utcnow()
    audit.record("bank.change_requested", actor=owner, cooperative=cooperative, target=_target(cooperative),
                 details=_account_details(account))
    return cooperative


def _pending_as_seen(cooperative_id: int, seen: BankAccount) -> tuple[Cooperative, BankAccount]:
    """The cooperative, locked, and its pending account, which must be the one the admin saw."""
    cooperative = _locked(cooperative_id)
    pending = pending_account(cooperative)
    if pending is None:
        raise SettingsRefused(NO_PENDING_CHANGE)
    if pending != seen:  # the owner asked for another account meanwhile
        raise SettingsRefused(PENDING_CHANGED)
    return cooperative, pending


def _clear_pending(cooperative: Cooperative) -> None:
    cooperative.pending_bank_bin = cooperative.pending_bank_account_number = ""
    cooperative.pending_bank_account_holder = ""
    cooperative.pending_bank_requested_at = None


@write_transaction
def verify_bank_change(admin, cooperative_id: int, seen: BankAccount) -> Cooperative:
    """Payouts and transfer QR codes go to the pending account from now on."""
    cooperative, pending = _pending_as_seen(cooperative_id, seen)
    previous = active_account(cooperative)
    cooperative.bank_bin = pending.bank_bin
    cooperative.bank_account_number = pending.account_number
    cooperative.bank_account_holder = pending.holder
    _clear_pending(cooperative)
    audit.record("bank.change_verified", actor=admin, cooperative=cooperative, target=_target(cooperative),
                 details={"previous": _account_details(previous), "verified": _account_details(pending)})
    return cooperative


@write_transaction
def reject_bank_change(admin, cooperative_id: int, seen: BankAccount, reason: str) -> Cooperative:
    """The pending account is dropped; payouts stay with the active one."""
    cooperative, pending = _pending_as_seen(cooperative_id, seen)
    _clear_pending(cooperative)
    audit.record("bank.change_rejected", actor=admin, cooperative=cooperative, target=_target(cooperative),
                 details={"rejected": _account_details(pending), "reason": reason})
    return cooperative
