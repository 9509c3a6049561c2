from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import User

from ..factories import make_user

GOOD = {
    "full_name": "Lê Thị Hoa",
    "email": "Hoa.Le@Example.com ",
    "phone": "0987 654 321",
    "password": "na-chi-lang-2026",
}


def test_registration_creates_buyer_with_normalized_email_and_phone_and_logs_in(client):
    response = client.post("/account/register", data=GOOD)

    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.email == "hoa.le@example.com"
    assert user.phone == "+84987654321"
    assert user.password_hash.startswith("scrypt:")
    assert not user.is_admin and user.membership is None
    page = client.get("/account").get_data(as_text=True)
    assert "Lê Thị Hoa" in page and "0987 654 321" in page


def test_phone_in_plus84_form_is_accepted(client):
    client.post("/account/register", data={**GOOD, "phone": "+84 912 345 678"})
    assert db.session.scalar(select(User.phone)) == "+84912345678"


def test_already_registered_email_gets_clear_message_and_keeps_input(client):
    make_user(email="hoa.le@example.com")

    response = client.post("/account/register", data=GOOD)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Email này đã được đăng ký" in page
    assert 'value="Lê Thị Hoa"' in page and 'value="0987 654 321"' in page
    assert "na-chi-lang-2026" not in page  # passwords are never echoed back
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_invalid_phone_is_refused_in_vietnamese(client):
    response = client.post("/account/register", data={**GOOD, "phone": "0212345678"})

    assert response.status_code == 422
    assert "Nhập số điện thoại di động Việt Nam" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_weak_passwords_are_refused_with_the_reason(client):
    cases = {
        "abc12": "ít nhất 8 ký tự",
        "12345678": "quá phổ biến",
        "98765432": "Kết hợp chữ và số",
        "hoa.le2026": "email hoặc số điện thoại",
    }
    for password, reason in cases.items():
        response = client.post("/account/register", data={**GOOD, "password": password})
        assert response.status_code == 422, password
        assert reason in response.get_data(as_text=True), password
    assert db.session.scalar(select(User)) is None


def test_missing_fields_get_field_level_messages(client):
    response = client.post("/account/register", data={})

    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Vui lòng điền") == 4


def test_english_messages_when_language_is_english(client):
    client.set_cookie("lang", "en")
    response = client.post("/account/register", data={**GOOD, "phone": "12345"})
    assert "Enter a Vietnamese mobile number" in response.get_data(as_text=True)
