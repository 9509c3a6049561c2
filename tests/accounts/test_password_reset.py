import re
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash

from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.models import PasswordResetToken, User

from ..factories import DEFAULT_PASSWORD

NEW_PASSWORD = "rau-an-toan-99"


def _reset_link(outbox) -> str:
    body = outbox[-1].get_content()
    return re.search(r"http://localhost(/account/password/reset/\S+)", body).group(1)


def test_reset_email_carries_a_working_link(client, outbox, buyer):
    response = client.post("/account/password/reset", data={"email": "mai@example.com"})

    assert response.status_code == 302
    assert len(outbox) == 1 and outbox[0]["To"] == "mai@example.com"
    assert "mật khẩu" in outbox[0]["Subject"]
    link = _reset_link(outbox)
    assert client.get(link).status_code == 200

    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert done.status_code == 302
    assert client.get("/account").status_code == 200  # logged in by the reset
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, buyer.id).password_hash, NEW_PASSWORD)


def test_unknown_email_gets_the_same_answer_and_no_mail(client, outbox):
    response = client.post("/account/password/reset", data={"email": "nobody@example.com"}, follow_redirects=True)

    assert "Nếu có tài khoản dùng email này" in response.get_data(as_text=True)
    assert outbox == []


def test_the_link_works_only_once(client, outbox, buyer):
    client.post("/account/password/reset", data={"email": "mai@example.com"})
    link = _reset_link(outbox)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.post("/account/logout")

    again = client.post(link, data={"password": "another-pass-1", "confirm": "another-pass-1"})

    assert again.status_code == 410
    assert "Liên kết này không còn hiệu lực" in again.get_data(as_text=True)
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, buyer.id).password_hash, NEW_PASSWORD)


def test_an_expired_link_is_refused(client, outbox, buyer):
    client.post("/account/password/reset", data={"email": "mai@example.com"})
    link = _reset_link(outbox)
    token = db.session.scalar(select(PasswordResetToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert client.get(link).status_code == 410
    assert client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 410


def test_using_one_link_spends_the_other_outstanding_links(client, outbox, buyer):
    client.post("/account/password/reset", data={"email": "mai@example.com"})
    first = _reset_link(outbox)
    client.post("/account/password/reset", data={"email": "mai@example.com"})
    second = _reset_link(outbox)

    client.post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert client.get(first).status_code == 410


def test_only_a_hash_of_the_token_is_stored(client, outbox, buyer):
    client.post("/account/password/reset", data={"email": "mai@example.com"})
    token = _reset_link(outbox).rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordResetToken.token_hash))
    assert token not in stored and len(stored) == 64


def test_reset_logs_out_other_sessions(app, client, outbox, buyer):
    other_device = app.test_client()
    other_device.post("/account/login", data={"email": "mai@example.com", "password": DEFAULT_PASSWORD})
    assert other_device.get("/account").status_code == 200

    client.post("/account/password/reset", data={"email": "mai@example.com"})
    client.post(_reset_link(outbox), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert other_device.get("/account").status_code == 302


def test_weak_new_password_is_refused_and_link_stays_valid(client, outbox, buyer):
    client.post("/account/password/reset", data={"email": "mai@example.com"})
    link = _reset_link(outbox)

    response = client.post(link, data={"password": "123", "confirm": "123"})

    assert response.status_code == 422
    assert client.get(link).status_code == 200


def test_reset_requests_are_rate_limited_per_account(make_app):
    app = make_app(RESET_LIMIT_PER_ACCOUNT="2 per hour")
    client = app.test_client()
    statuses = [
        client.post("/account/password/reset", data={"email": "x@example.com"},
                    environ_base={"REMOTE_ADDR": f"10.1.0.{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
