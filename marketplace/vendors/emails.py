"""Emails to applicants, always in Vietnamese (the applicant's language, whoever triggers them)."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..extensions import mailer
from .models import ApplicationStatus, MemberRole

SUBJECTS = {
    ApplicationStatus.SUBMITTED: _l("Chợ HTX: we received your cooperative application"),
    ApplicationStatus.APPROVED: _l("Chợ HTX: your cooperative is approved"),
    ApplicationStatus.REJECTED: _l("Chợ HTX: your cooperative application was not approved"),
    ApplicationStatus.CHANGES_REQUESTED: _l("Chợ HTX: please complete your cooperative application"),
}


def _send(application, template: str) -> None:
    with force_locale("vi"):
        mailer.send(
            to=application.applicant.email,
            subject=str(SUBJECTS[application.status]),
            body=render_template(f"email/{template}.txt", application=application,
                                 link=url_for("applications.apply", _external=True)),
        )


def send_application_received(application) -> None:
    _send(application, "application_received")


def send_application_decision(application) -> None:
    _send(application, f"application_{application.status.value}")


def send_staff_invitation(invitation, inviter, link: str, days: int) -> None:
    with force_locale("vi"):
        mailer.send(
            to=invitation.email,
            subject=str(_l("Chợ HTX: %(cooperative)s invites you", cooperative=invitation.cooperative.name)),
            body=render_template("email/staff_invitation.txt", cooperative=invitation.cooperative,
                                 inviter=inviter, link=link, days=days),
        )


def send_low_stock_digest(digest, link: str) -> None:
    with force_locale("vi"):
        for recipient in digest.recipients:
            mailer.send(
                to=recipient,
                subject=str(_l("Chợ HTX: low stock at %(cooperative)s", cooperative=digest.cooperative.name)),
                body=render_template("email/low_stock.txt", cooperative=digest.cooperative,
                                     products=digest.products, link=link),
            )


BANK_SUBJECTS = {
    "requested": _l("Chợ HTX: a change of your bank account was requested"),
    "verified": _l("Chợ HTX: your new bank account is verified"),
    "rejected": _l("Chợ HTX: your bank account change was not accepted"),
}


def send_bank_change_notice(cooperative, event: str, account: str, reason: str = "") -> None:
    """To the owner at each step of a bank account change: a request they did not make is the
    first sign of a stolen login trying to redirect payouts."""
    owners = [member.user.email for member in cooperative.members if member.role == MemberRole.OWNER]
    with force_locale("vi"):
        for owner in owners:
            mailer.send(to=owner, subject=str(BANK_SUBJECTS[event]),
                        body=render_template("email/bank_change.txt", cooperative=cooperative, event=event,
                                             account=account, reason=reason))
