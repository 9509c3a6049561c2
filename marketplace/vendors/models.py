from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import enum_type, utcnow
from ..extensions import db


class CooperativeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    STAFF = "staff"


class Cooperative(db.Model):
    __tablename__ = "cooperatives"
    __table_args__ = (
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="member_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    legal_name: Mapped[str] = mapped_column(String(255))
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    status: Mapped[CooperativeStatus] = mapped_column(
        enum_type(CooperativeStatus), default=CooperativeStatus.PENDING, index=True
    )
    province_code: Mapped[int]
    ward_code: Mapped[int]
    street_address: Mapped[str] = mapped_column(String(255), default="")
    founded_year: Mapped[int | None]
    member_count: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    # Shown to buyers on the cooperative's page; the phone normalized to +84…
    contact_phone: Mapped[str] = mapped_column(String(16), default="")
    contact_email: Mapped[str] = mapped_column(String(255), default="")
    # From the approved application: the legal record and where payouts go.
    registration_number: Mapped[str] = mapped_column(String(40), default="")
    registration_date: Mapped[date | None]
    registration_authority: Mapped[str] = mapped_column(String(200), default="")
    representative_name: Mapped[str] = mapped_column(String(120), default="")
    representative_title: Mapped[str] = mapped_column(String(120), default="")
    main_products: Mapped[str] = mapped_column(String(300), default="")
    bank_bin: Mapped[str] = mapped_column(String(6), default="")
    bank_account_number: Mapped[str] = mapped_column(String(19), default="")
    bank_account_holder: Mapped[str] = mapped_column(String(120), default="")
    # A new account the owner asked for ("" when none): payouts keep the account above until an
    # admin verifies it (vendors.settings), so a stolen login cannot redirect them at once.
    pending_bank_bin: Mapped[str] = mapped_column(String(6), default="")
    pending_bank_account_number: Mapped[str] = mapped_column(String(19), default="")
    pending_bank_account_holder: Mapped[str] = mapped_column(String(120), default="")
    pending_bank_requested_at: Mapped[datetime | None]
    # Stored names of the processed logo and cover (vendors.images); "" when none.
    logo_image: Mapped[str] = mapped_column(String(64), default="")
    cover_image: Mapped[str] = mapped_column(String(64), default="")
    # Shipping (vendors.shipping), in đồng: a flat fee per parcel plus a fee per started kilogram;
    # free from an order value (None: never); in its own province other fees (None: the same).
    shipping_flat_fee: Mapped[int] = mapped_column(default=0)
    shipping_fee_per_kg: Mapped[int] = mapped_column(default=0)
    free_shipping_threshold: Mapped[int | None]
    in_province_flat_fee: Mapped[int | None]
    in_province_fee_per_kg: Mapped[int | None]
    # Why it was last suspended or reinstated (the audit log keeps the whole history).
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["CooperativeMember"]] = relationship(back_populates="cooperative")

    @property
    def is_approved(self) -> bool:
        return self.status == CooperativeStatus.APPROVED


class CooperativeMember(db.Model):
    """A user's role inside one cooperative (a user belongs to at most one)."""

    __tablename__ = "cooperative_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole), default=MemberRole.STAFF)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cooperative: Mapped[Cooperative] = relationship(back_populates="members", lazy="joined")
    user: Mapped["User"] = relationship(back_populates="membership")  # noqa: F821


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


OPEN_APPLICATION = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.CHANGES_REQUESTED)
EDITABLE_APPLICATION = (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)


def _unique_while_open(extra: str = "") -> dict:
    """Index options limiting a unique index to open applications (a partial index on both databases)."""
    condition = text(f"status IN ({', '.join(repr(s.value) for s in OPEN_APPLICATION)}){extra}")
    return {"unique": True, "sqlite_where": condition, "postgresql_where": condition}


class CooperativeApplication(db.Model):
    """A user's request to sell as a cooperative; approving it creates the Cooperative.

    A draft may be incomplete; submitting checks every field (vendors.forms). One open
    application per user and per tax code, enforced by partial unique indexes.
    """

    __tablename__ = "cooperative_applications"
    __table_args__ = (
        Index("uq_cooperative_applications_open_per_applicant", "applicant_id", **_unique_while_open()),
        # A draft may have no tax code yet.
        Index("uq_cooperative_applications_open_per_tax_code", "tax_code", **_unique_while_open(" AND tax_code <> ''")),
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="member_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus), default=ApplicationStatus.DRAFT, index=True
    )
    legal_name: Mapped[str] = mapped_column(String(255), default="")
    display_name: Mapped[str] = mapped_column(String(120), default="")
    tax_code: Mapped[str] = mapped_column(String(14), default="", index=True)
    registration_number: Mapped[str] = mapped_column(String(40), default="")
    registration_date: Mapped[date | None]
    registration_authority: Mapped[str] = mapped_column(String(200), default="")
    province_code: Mapped[int | None]
    ward_code: Mapped[int | None]
    street_address: Mapped[str] = mapped_column(String(255), default="")
    representative_name: Mapped[str] = mapped_column(String(120), default="")
    representative_title: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(16), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    bank_bin: Mapped[str] = mapped_column(String(6), default="")
    bank_account_number: Mapped[str] = mapped_column(String(19), default="")
    bank_account_holder: Mapped[str] = mapped_column(String(120), default="")
    founded_year: Mapped[int | None]
    member_count: Mapped[int | None]
    main_products: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # The admin's last comment: what to change, or why it was rejected.
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperatives.id", ondelete="SET NULL"))

    applicant: Mapped["User"] = relationship(foreign_keys=[applicant_id])  # noqa: F821
    cooperative: Mapped[Cooperative | None] = relationship()
    documents: Mapped[list["ApplicationDocument"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationDocument.id"
    )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_APPLICATION


class DocumentKind(enum.StrEnum):
    REGISTRATION = "registration"
    CERTIFICATION = "certification"
    OTHER = "other"


class ApplicationDocument(db.Model):
    """An uploaded PDF, JPEG or PNG, stored under a random name outside static/ (vendors.documents)."""

    __tablename__ = "application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("cooperative_applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[CooperativeApplication] = relationship(back_populates="documents")


class CooperativeInvitation(db.Model):
    """A single-use link, emailed by the owner, by which a user joins the cooperative as staff.

    Only a hash of the token is stored; the link expires (INVITATION_MAX_AGE) or can be revoked.
    """

    __tablename__ = "cooperative_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    cooperative: Mapped[Cooperative] = relationship()

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
