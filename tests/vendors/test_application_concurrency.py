"""Racing requests over real HTTP: one open application per tax code, one decision per application."""
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import ApplicationStatus, Cooperative, CooperativeApplication

from ..factories import DEFAULT_PASSWORD, make_user
from .test_applications import PDF, application_data

WORKERS = 8


def _session(base_url: str, email: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base_url}/account/login", data={"email": email, "password": DEFAULT_PASSWORD},
                            allow_redirects=False, timeout=60)
    assert response.status_code == 302
    return session


def test_racing_applications_with_one_tax_code_leave_one_open(live_server):
    emails = [make_user().email for _ in range(WORKERS)]
    sessions = [_session(live_server.url, email) for email in emails]
    for session in sessions:
        assert session.post(f"{live_server.url}/vendors/apply/documents", data={"kind": "registration"},
                            files={"file": ("dang-ky.pdf", PDF)}, allow_redirects=False, timeout=60).status_code == 302

    def submit(session: requests.Session) -> int:
        return session.post(f"{live_server.url}/vendors/apply", data=application_data(submit="1"),
                            allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(submit, sessions))

    assert sorted(statuses) == [302] + [422] * (WORKERS - 1)
    db.session.commit()
    assert db.session.scalar(select(func.count(CooperativeApplication.id)).where(
        CooperativeApplication.status == ApplicationStatus.SUBMITTED)) == 1


def test_racing_approvals_create_one_cooperative(live_server):
    applicant = make_user()
    db.session.add(CooperativeApplication(applicant_id=applicant.id, status=ApplicationStatus.SUBMITTED,
                                          **{**application_data(), "province_code": 20, "ward_code": 6463,
                                             "registration_date": None, "founded_year": 2019, "member_count": 42}))
    db.session.commit()
    application_id = db.session.scalar(select(CooperativeApplication.id))
    emails = [make_user(is_admin=True).email for _ in range(WORKERS)]
    admins = [_session(live_server.url, email) for email in emails]

    def approve(pair) -> int:
        n, session = pair
        return session.post(f"{live_server.url}/admin/vendors/applications/{application_id}/approve",
                            data={"slug": f"htx-dua-{n}"}, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(approve, enumerate(admins)))

    assert sorted(statuses) == [302] + [422] * (WORKERS - 1)
    db.session.commit()
    assert db.session.scalar(select(func.count(Cooperative.id))) == 1
