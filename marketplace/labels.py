"""Translated words for the values of the app's enums, for templates: {{ label(status) }}."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from .catalog.models import ProductStatus
from .vendors.models import CooperativeStatus, MemberRole

LABELS: dict[enum.Enum, object] = {
    CooperativeStatus.PENDING: _l("Waiting for approval"),
    CooperativeStatus.APPROVED: _l("Approved"),
    CooperativeStatus.SUSPENDED: _l("Suspended"),
    CooperativeStatus.REJECTED: _l("Rejected"),
    MemberRole.OWNER: _l("Owner"),
    MemberRole.STAFF: _l("Staff"),
    ProductStatus.DRAFT: _l("Draft"),
    ProductStatus.PUBLISHED: _l("Published"),
    ProductStatus.ARCHIVED: _l("Archived"),
}


def label(value: enum.Enum) -> str:
    return str(LABELS[value])
