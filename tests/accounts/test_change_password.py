from werkzeug.security import check_password_hash

from marketplace.extensions import db
from marketplace.models import User

from ..factories import DEFAULT_PASSWORD

NEW = "mat-ong-rung-7"


def test_change_password_keeps_this_session_and_ends_the_others(app, client, auth, buyer):
    auth.login("mai@example.com")
    other_device = app.test_client()
    other_device.post("/account/login", data={"email": "mai@example.com", "password": DEFAULT_PASSWORD})

    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "password": NEW, "confirm": NEW})

    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, buyer.id).password_hash, NEW)


def test_wrong_current_password_is_refused(client, auth, buyer):
    auth.login("mai@example.com")
    response = client.post("/account/password", data={
        "current_password": "wrong-one", "password": NEW, "confirm": NEW})
    assert response.status_code == 422
    assert "Mật khẩu hiện tại không đúng" in response.get_data(as_text=True)


def test_new_passwords_must_match(client, auth, buyer):
    auth.login("mai@example.com")
    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "password": NEW, "confirm": NEW + "x"})
    assert response.status_code == 422
    assert "Hai mật khẩu không khớp nhau" in response.get_data(as_text=True)
