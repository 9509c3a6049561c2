"""With CSRF protection on (as in production), every POST route refuses a request without a token."""
import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import User


# Only switches the display language (a cookie); see marketplace/shop/views.py:set_language.
EXEMPT = {"/language", "/payments/stripe/webhook"}  # the gateway signs its webhooks instead


def test_every_post_route_rejects_a_request_without_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    post_rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.rule not in EXEMPT]
    assert len(post_rules) >= 6

    for rule in post_rules:
        url = rule.build({name: "1" for name in rule.arguments})[1]
        response = client.post(url, data={"email": "a@example.com", "password": "x"})
        assert response.status_code == 400, url
        assert "Biểu mẫu này đã hết hạn" in response.get_data(as_text=True), url


def test_a_form_with_its_token_goes_through(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/account/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    response = client.post("/account/register", data={
        "csrf_token": token, "full_name": "Hà Văn Bình", "email": "binh@example.com",
        "phone": "0356789012", "password": "ca-long-bac-son"})

    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "binh@example.com"
