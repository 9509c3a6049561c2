"""A cooperative's people: the owner invites staff by email, removes them, hands over ownership.

Each public function that writes is one transaction and records its audit entry in it.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from ..accounts.services import find_user_by_email, hash_token, normalize_email
from ..audit import services as audit
from ..database import utcnow
from ..extensions import db
from ..transaction import write_transaction
from .models import CooperativeInvitation, CooperativeMember, MemberRole


class StaffChangeRefused(Exception):
    """The change cannot be made; `reason` says why (vendors.messages explains it)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


ALREADY_IN_THIS_COOPERATIVE = "already_in_this_cooperative"
IN_ANOTHER_COOPERATIVE = "in_another_cooperative"
INVITATION_INVALID = "invitation_invalid"
INVITATION_FOR_ANOTHER_EMAIL = "invitation_for_another_email"
NOT_STAFF = "not_staff"
WRONG_PASSWORD = "wrong_password"


def members(cooperative_id: int) -> list[CooperativeMember]:
    """The owner first, then staff by when they joined."""
    return list(db.session.scalars(
        select(CooperativeMember).where(CooperativeMember.cooperative_id == cooperative_id)
        .order_by(CooperativeMember.role != MemberRole.OWNER, CooperativeMember.created_at)
    ))


def pending_invitations(cooperative_id: int) -> list[CooperativeInvitation]:
    return list(db.session.scalars(
        select(CooperativeInvitation).where(
            CooperativeInvitation.cooperative_id == cooperative_id,
            CooperativeInvitation.accepted_at.is_(None),
            CooperativeInvitation.revoked_at.is_(None),
            CooperativeInvitation.expires_at > utcnow(),
        ).order_by(CooperativeInvitation.created_at)
    ))


@write_transaction
def invite(owner, email: str, max_age: timedelta) -> tuple[CooperativeInvitation, str]:
    """A new invitation for this email to the owner's cooperative, and its token (only ever in the
    email). An earlier pending invitation for the same email is revoked."""
    cooperative_id = owner.membership.cooperative_id
    email = normalize_email(email)
    invitee = find_user_by_email(email)
    if invitee is not None and invitee.membership is not None:
        same = invitee.membership.cooperative_id == cooperative_id
        raise StaffChangeRefused(ALREADY_IN_THIS_COOPERATIVE if same else IN_ANOTHER_COOPERATIVE)
    now = utcnow()
    db.session.execute(
        update(CooperativeInvitation)
        .where(CooperativeInvitation.cooperative_id == cooperative_id, CooperativeInvitation.email == email,
               CooperativeInvitation.accepted_at.is_(None), CooperativeInvitation.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    invitation = CooperativeInvitation(cooperative_id=cooperative_id, email=email, token_hash=hash_token(token),
                                       invited_by_id=owner.id, created_at=now, expires_at=now + max_age)
    db.session.add(invitation)
    db.session.flush()
    audit.record("staff.invited", actor=owner, cooperative=cooperative_id, target=email)
    return invitation, token


@write_transaction
def revoke(owner, invitation_id: int) -> None:
    invitation = db.session.get(CooperativeInvitation, invitation_id)
    if invitation is None or invitation.cooperative_id != owner.membership.cooperative_id:
        raise LookupError(invitation_id)
    if invitation.is_pending(utcnow()):
        invitation.revoked_at = utcnow()
        audit.record("staff.invitation_revoked", actor=owner, cooperative=invitation.cooperative_id,
                     target=invitation.email)


def invitation_for(token: str) -> CooperativeInvitation | None:
    """The pending invitation with this token, else None (unknown, used, revoked or expired)."""
    invitation = db.session.scalar(
        select(CooperativeInvitation).where(CooperativeInvitation.token_hash == hash_token(token)))
    return invitation if invitation is not None and invitation.is_pending(utcnow()) else None


@write_transaction
def accept(user, token: str) -> CooperativeMember:
    """Join the invitation's cooperative as staff. The link works once, for the invited email only."""
    invitation = invitation_for(token)
    if invitation is None:
        raise StaffChangeRefused(INVITATION_INVALID)
    if normalize_email(user.email) != invitation.email:
        raise StaffChangeRefused(INVITATION_FOR_ANOTHER_EMAIL)
    if user.membership is not None:
        raise StaffChangeRefused(IN_ANOTHER_COOPERATIVE)
    now = utcnow()
    spent = db.session.execute(
        update(CooperativeInvitation)
        .where(CooperativeInvitation.id == invitation.id, CooperativeInvitation.accepted_at.is_(None),
               CooperativeInvitation.revoked_at.is_(None))
        .values(accepted_at=now, accepted_by_id=user.id)
    ).rowcount
    if spent != 1:
        raise StaffChangeRefused(INVITATION_INVALID)
    member = CooperativeMember(cooperative_id=invitation.cooperative_id, user_id=user.id, role=MemberRole.STAFF)
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError as exc:  # joined another cooperative meanwhile
        raise StaffChangeRefused(IN_ANOTHER_COOPERATIVE) from exc
    audit.record("staff.joined", actor=user, cooperative=invitation.cooperative_id, target=user.email)
    return member


def _staff_member(owner, member_id: int) -> CooperativeMember:
    member = db.session.get(CooperativeMember, member_id, with_for_update={"of": CooperativeMember})
    if member is None or member.cooperative_id != owner.membership.cooperative_id:
        raise LookupError(member_id)
    if member.role != MemberRole.STAFF:
        raise StaffChangeRefused(NOT_STAFF)
    return member


@write_transaction
def remove(owner, member_id: int) -> None:
    """The staff member leaves the cooperative; their next request no longer reaches its pages."""
    member = _staff_member(owner, member_id)
    audit.record("staff.removed", actor=owner, cooperative=member.cooperative_id, target=member.user.email)
    db.session.delete(member)


@write_transaction
def transfer_ownership(owner, member_id: int, password: str) -> None:
    """A staff member becomes the owner and the owner becomes staff; the owner confirms with their password."""
    if not check_password_hash(owner.password_hash, password):
        raise StaffChangeRefused(WRONG_PASSWORD)
    member = _staff_member(owner, member_id)
    current = db.session.get(CooperativeMember, owner.membership.id, with_for_update={"of": CooperativeMember})
    if current.role != MemberRole.OWNER:  # lost ownership in a concurrent request
        raise StaffChangeRefused(NOT_STAFF)
    current.role, member.role = MemberRole.STAFF, MemberRole.OWNER
    audit.record("staff.ownership_transferred", actor=owner, cooperative=member.cooperative_id,
                 target=member.user.email)
