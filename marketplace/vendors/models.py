from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
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
