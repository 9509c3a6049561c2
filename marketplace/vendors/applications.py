"""Cooperative applications: applying, documents, and the admins' decisions.

Each public function that writes is one transaction and records its audit entry in it.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..common.folding import free_slug, slug, starts_words
from ..database import utcnow
from ..extensions import db
from ..transaction import write_transaction
from . import documents
from .services import may_see_unpublished
from .models import (
    EDITABLE_APPLICATION,
    OPEN_APPLICATION,
    ApplicationDocument,
    ApplicationStatus,
    Cooperative,
    CooperativeApplication,
    CooperativeMember,
    CooperativeStatus,
    DocumentKind,
    MemberRole,
)

# Application fields that are empty as NULL rather than "".
_OPTIONAL_VALUES = {"registration_date", "province_code", "ward_code", "founded_year", "member_count"}
# Copied from the approved application onto the new cooperative.
_COPIED = ("legal_name", "tax_code", "registration_number", "registration_date", "registration_authority",
           "province_code", "ward_code", "street_address", "representative_name", "representative_title",
           "bank_bin", "bank_account_number", "bank_account_holder", "founded_year", "member_count",
           "main_products", "description")


class ApplicationRefused(Exception):
    """The application cannot be saved, submitted or decided as asked; `reason` says why."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(reason)
        self.reason, self.field = reason, field


# Reasons (the views turn them into messages)
ALREADY_MEMBER = "already_member"
NOT_EDITABLE = "not_editable"
TAX_CODE_TAKEN = "tax_code_taken"
NO_REGISTRATION_DOCUMENT = "no_registration_document"
DOCUMENT_TYPE = "document_type"
DOCUMENT_TOO_LARGE = "document_too_large"
NOT_SUBMITTED = "not_submitted"
SLUG_TAKEN = "slug_taken"
NOT_APPROVED = "not_approved"
NOT_SUSPENDED = "not_suspended"


def current_application(user) -> CooperativeApplication | None:
    """The user's open application, else their latest decided one."""
    return db.session.scalar(
        select(CooperativeApplication)
        .where(CooperativeApplication.applicant_id == user.id)
        .order_by(CooperativeApplication.status.in_(OPEN_APPLICATION).desc(), CooperativeApplication.id.desc())
        .limit(1)
    )


def _tax_code_in_use(tax_code: str, application_id: int | None = None) -> bool:
    """A cooperative has this tax code, or another open application does."""
    by_cooperative = select(Cooperative.id).where(Cooperative.tax_code == tax_code)
    by_application = select(CooperativeApplication.id).where(
        CooperativeApplication.tax_code == tax_code,
        CooperativeApplication.status.in_(OPEN_APPLICATION),
        CooperativeApplication.id != (application_id or 0),
    )
    return bool(db.session.scalar(select(or_(by_cooperative.exists(), by_application.exists()))))


def _editable_application(user) -> CooperativeApplication:
    """The user's open application, or a new draft when none is open; refused while under review."""
    if user.membership is not None:
        raise ApplicationRefused(ALREADY_MEMBER)
    application = current_application(user)
    if application is None or application.status not in OPEN_APPLICATION:
        application = CooperativeApplication(applicant_id=user.id)
        db.session.add(application)
    elif application.status not in EDITABLE_APPLICATION:
        raise ApplicationRefused(NOT_EDITABLE)
    return application


@write_transaction
def save_application(user, values: dict, *, submit: bool) -> CooperativeApplication:
    """Create or update the user's open application from the form's values; submit it if asked.

    Raises ApplicationRefused: the user already belongs to a cooperative, the application is under
    review or decided, the tax code is used by a cooperative or another open application, or (to
    submit) no registration certificate is attached.
    """
    application = _editable_application(user)
    if values.get("tax_code") and _tax_code_in_use(values["tax_code"], application.id):
        raise ApplicationRefused(TAX_CODE_TAKEN, "tax_code")
    if submit and not any(doc.kind == DocumentKind.REGISTRATION for doc in application.documents):
        raise ApplicationRefused(NO_REGISTRATION_DOCUMENT)
    for name, value in values.items():
        setattr(application, name, value if value is not None or name in _OPTIONAL_VALUES else "")
    if submit:
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent request opened one, or took the tax code
        raise ApplicationRefused(TAX_CODE_TAKEN, "tax_code") from exc
    if submit:
        audit.record("application.submitted", actor=user, target=_target(application),
                     details={"tax_code": application.tax_code})
    return application


@write_transaction
def add_document(user, kind: DocumentKind, filename: str, data: bytes, upload_folder: str) -> ApplicationDocument:
    """Attach a checked PDF, JPEG or PNG to the user's editable application (a draft is made if none)."""
    if len(data) > documents.MAX_DOCUMENT_BYTES:
        raise ApplicationRefused(DOCUMENT_TOO_LARGE, "file")
    file_type = documents.document_type(data)
    if file_type is None:
        raise ApplicationRefused(DOCUMENT_TYPE, "file")
    application = _editable_application(user)
    document = ApplicationDocument(
        application=application, kind=kind, original_name=(filename or "document")[-200:],
        stored_name=documents.new_stored_name(file_type), content_type=documents.CONTENT_TYPES[file_type],
        size=len(data),
    )
    db.session.add(document)
    db.session.flush()
    # Written last: should the file fail, the transaction rolls back and leaves no row behind.
    documents.save(upload_folder, document.stored_name, data)
    return document


def remove_document(user, document_id: int, upload_folder: str) -> None:
    stored_name = _delete_document(user, document_id)
    documents.remove(upload_folder, stored_name)  # after the commit: no row points at it any more


@write_transaction
def _delete_document(user, document_id: int) -> str:
    document = db.session.get(ApplicationDocument, document_id)
    if document is None or document.application.applicant_id != user.id:
        raise LookupError(document_id)
    if not document.application.is_editable:
        raise ApplicationRefused(NOT_EDITABLE)
    db.session.delete(document)
    return document.stored_name


def document_for(user, document_id: int) -> ApplicationDocument | None:
    """The document if this user may read it (an admin, the applicant, or staff of the cooperative
    the application created); None otherwise, exactly as for a document that does not exist."""
    document = db.session.get(ApplicationDocument, document_id)
    if document is None:
        return None
    application = document.application
    allowed = application.applicant_id == user.id or user.is_admin or (
        application.cooperative_id is not None and may_see_unpublished(user, application.cooperative_id))
    return document if allowed else None


# Admin review

REVIEW_TABS = ("submitted", "changes_requested", "approved", "rejected", "suspended")
# Approved and suspended list cooperatives (the demo's have no application); the others applications.
COOPERATIVE_TABS = ("approved", "suspended")


def review_counts() -> dict[str, int]:
    by_application = dict(db.session.execute(
        select(CooperativeApplication.status, func.count()).group_by(CooperativeApplication.status)).all())
    by_cooperative = dict(db.session.execute(
        select(Cooperative.status, func.count()).group_by(Cooperative.status)).all())
    return {tab: (by_cooperative.get(CooperativeStatus(tab), 0) if tab in COOPERATIVE_TABS
                  else by_application.get(ApplicationStatus(tab), 0)) for tab in REVIEW_TABS}


def applications_with_status(status: ApplicationStatus, search: str = "") -> list[CooperativeApplication]:
    """Applications in this status, oldest submission first; `search` matches the name or tax code."""
    statement = (select(CooperativeApplication).where(CooperativeApplication.status == status)
                 .order_by(CooperativeApplication.submitted_at, CooperativeApplication.id))
    found = list(db.session.scalars(statement))
    return [a for a in found if starts_words(search, a.legal_name, a.display_name, a.tax_code)]


def cooperatives_with_status(status: CooperativeStatus, search: str = "") -> list[Cooperative]:
    found = db.session.scalars(select(Cooperative).where(Cooperative.status == status).order_by(Cooperative.name))
    return [c for c in found if starts_words(search, c.legal_name, c.name, c.tax_code)]


def application_of(cooperative: Cooperative) -> CooperativeApplication | None:
    return db.session.scalar(select(CooperativeApplication).where(
        CooperativeApplication.cooperative_id == cooperative.id))


def suggested_slug(application: CooperativeApplication) -> str:
    base = slug(application.display_name or application.legal_name) or "htx"
    return free_slug(base, set(db.session.scalars(select(Cooperative.slug).where(Cooperative.slug.like(f"{base}%")))))


def _target(application: CooperativeApplication) -> str:
    return f"application {application.id}: {application.legal_name}"


def _submitted(application_id: int) -> CooperativeApplication:
    application = db.session.get(CooperativeApplication, application_id, with_for_update=True)
    if application is None:
        raise LookupError(application_id)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationRefused(NOT_SUBMITTED)
    return application


def _decided(application: CooperativeApplication, admin, status: ApplicationStatus, comment: str) -> None:
    application.status = status
    application.review_comment = comment
    application.decided_at = utcnow()
    application.decided_by_id = admin.id


@write_transaction
def approve(admin, application_id: int, cooperative_slug: str) -> CooperativeApplication:
    """The cooperative becomes active and the applicant its owner."""
    application = _submitted(application_id)
    if db.session.scalar(select(Cooperative.id).where(Cooperative.slug == cooperative_slug)):
        raise ApplicationRefused(SLUG_TAKEN, "slug")
    if _tax_code_in_use(application.tax_code, application.id):
        raise ApplicationRefused(TAX_CODE_TAKEN)
    cooperative = Cooperative(
        slug=cooperative_slug, name=application.display_name, status=CooperativeStatus.APPROVED,
        contact_phone=application.phone, contact_email=application.email,
        **{name: getattr(application, name) for name in _COPIED},
    )
    db.session.add(cooperative)
    db.session.add(CooperativeMember(cooperative=cooperative, user_id=application.applicant_id, role=MemberRole.OWNER))
    application.cooperative = cooperative
    _decided(application, admin, ApplicationStatus.APPROVED, "")
    try:
        db.session.flush()
    except IntegrityError as exc:  # the slug, tax code or membership was taken meanwhile
        raise ApplicationRefused(SLUG_TAKEN, "slug") from exc
    audit.record("application.approved", actor=admin, cooperative=cooperative, target=_target(application),
                 details={"slug": cooperative_slug})
    return application


@write_transaction
def reject(admin, application_id: int, reason: str) -> CooperativeApplication:
    application = _submitted(application_id)
    _decided(application, admin, ApplicationStatus.REJECTED, reason)
    audit.record("application.rejected", actor=admin, target=_target(application), details={"reason": reason})
    return application


@write_transaction
def request_changes(admin, application_id: int, comment: str) -> CooperativeApplication:
    application = _submitted(application_id)
    _decided(application, admin, ApplicationStatus.CHANGES_REQUESTED, comment)
    audit.record("application.changes_requested", actor=admin, target=_target(application),
                 details={"comment": comment})
    return application


@write_transaction
def suspend(admin, cooperative_id: int, reason: str) -> Cooperative:
    """Its products leave the storefront, search and API at once; orders already placed go on."""
    return _set_status(admin, cooperative_id, CooperativeStatus.APPROVED, CooperativeStatus.SUSPENDED, reason,
                       NOT_APPROVED, "cooperative.suspended")


@write_transaction
def reinstate(admin, cooperative_id: int, reason: str) -> Cooperative:
    return _set_status(admin, cooperative_id, CooperativeStatus.SUSPENDED, CooperativeStatus.APPROVED, reason,
                       NOT_SUSPENDED, "cooperative.reinstated")


def _set_status(admin, cooperative_id: int, expected: CooperativeStatus, new: CooperativeStatus, reason: str,
                refusal: str, action: str) -> Cooperative:
    cooperative = db.session.get(Cooperative, cooperative_id, with_for_update=True)
    if cooperative is None:
        raise LookupError(cooperative_id)
    if cooperative.status != expected:
        raise ApplicationRefused(refusal)
    cooperative.status = new
    cooperative.status_reason = reason
    audit.record(action, actor=admin, cooperative=cooperative, target=f"cooperative {cooperative.slug}",
                 details={"reason": reason})
    return cooperative
