"""Concurrent requests over real HTTP: writers wait for each other instead of failing,
and rules that must hold once (one account per email, one use per reset link) hold."""
import re
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import User

from ..factories import DEFAULT_PASSWORD, make_user

WORKERS = 12


def _register(base_url: str, email: str) -> int:
    return requests.post(f"{base_url}/account/register", allow_redirects=False, timeout=60, data={
        "full_name": "Người mua", "email": email, "phone": "0912345678", "password": "dong-thoi-2026"}).status_code


def _login(base_url: str, email: str) -> int:
    return requests.post(f"{base_url}/account/login", allow_redirects=False, timeout=60,
                         data={"email": email, "password": DEFAULT_PASSWORD}).status_code


def test_concurrent_logins_and_registrations_all_succeed(live_server):
    emails = [make_user(email=f"buyer{i}@example.com").email for i in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS * 2) as pool:
        logins = [pool.submit(_login, live_server.url, email) for email in emails]
        registrations = [pool.submit(_register, live_server.url, f"new{i}@example.com") for i in range(WORKERS)]
        statuses = [f.result() for f in logins + registrations]

    assert statuses == [302] * (2 * WORKERS)
    db.session.commit()  # end the test's read snapshot
    assert db.session.scalar(select(func.count(User.id))) == 2 * WORKERS
    assert db.session.scalar(select(func.count(User.id)).where(User.last_login_at.is_not(None))) == 2 * WORKERS


def test_racing_registrations_for_one_email_make_one_account(live_server):
    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(lambda _: _register(live_server.url, "same@example.com"), range(WORKERS)))

    assert sorted(statuses) == [302] + [422] * (WORKERS - 1)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_one_reset_link_used_by_racing_requests_works_once(app, live_server, outbox):
    app.config["RESET_LIMIT_PER_IP"] = "100 per hour"
    make_user(email="race@example.com")
    requests.post(f"{live_server.url}/account/password/reset", data={"email": "race@example.com"}, timeout=30)
    path = re.search(r"(/account/password/reset/\S+)", outbox[-1].get_content()).group(1)

    def use_link(i: int) -> int:
        password = f"mat-khau-moi-{i}"
        return requests.post(f"{live_server.url}{path}", allow_redirects=False, timeout=60,
                             data={"password": password, "confirm": password}).status_code

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(use_link, range(WORKERS)))

    assert statuses.count(302) == 1
    assert set(statuses) <= {302, 410}
