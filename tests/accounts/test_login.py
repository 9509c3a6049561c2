from ..factories import DEFAULT_PASSWORD, make_user


def test_login_with_right_password_logs_in_and_goes_home(client, auth, buyer):
    response = auth.login("MAI@example.com ")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Nguyễn Thị Mai" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_message(client, auth, buyer):
    wrong_password = auth.login("mai@example.com", "not-the-password")
    unknown_email = auth.login("nobody@example.com", DEFAULT_PASSWORD)

    for response in (wrong_password, unknown_email):
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "Email hoặc mật khẩu không đúng." in page
    assert 'value="nobody@example.com"' in unknown_email.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_login_renews_the_session(client, auth, buyer):
    with client.session_transaction() as planted:
        planted["planted_by_attacker"] = "yes"

    auth.login("mai@example.com")

    with client.session_transaction() as current:
        assert "planted_by_attacker" not in current
        assert current["_user_id"] == buyer.session_token


def test_logout_ends_the_session(client, auth, buyer):
    auth.login("mai@example.com")

    response = auth.logout()

    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_logout_needs_post(client, auth, buyer):
    auth.login("mai@example.com")
    assert client.get("/account/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_remember_me_keeps_the_user_after_the_browser_session_ends(client, auth, buyer):
    auth.login("mai@example.com", remember="y")
    assert client.get_cookie("remember_token") is not None

    client.delete_cookie("session")

    assert client.get("/account").status_code == 200


def test_without_remember_me_closing_the_browser_logs_out(client, auth, buyer):
    auth.login("mai@example.com")
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert client.get("/account").status_code == 302


def test_next_is_followed_only_when_it_stays_on_site(client, auth, buyer):
    assert auth.login("mai@example.com", next="/account").headers["Location"] == "/account"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        auth.logout()
        response = auth.login("mai@example.com", next=evil)
        assert response.headers["Location"] == "/", evil


def test_logged_in_user_visiting_login_goes_to_account(client, auth, buyer):
    auth.login("mai@example.com")
    response = client.get("/account/login")
    assert response.status_code == 302 and response.headers["Location"] == "/account"


def test_login_is_rate_limited_per_account(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    client = app.test_client()
    with app.app_context():
        make_user(email="target@example.com")

    statuses = [
        client.post("/account/login", data={"email": "target@example.com", "password": "guess"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
        for i in range(5)
    ]

    assert statuses == [422, 422, 422, 429, 429]
    blocked = client.post("/account/login", data={"email": "target@example.com", "password": DEFAULT_PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert blocked.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in blocked.get_data(as_text=True)
    other = client.post("/account/login", data={"email": "other@example.com", "password": "guess"},
                        environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert other.status_code == 422


def test_login_is_rate_limited_per_ip(make_app):
    app = make_app(LOGIN_LIMIT_PER_IP="4 per minute")
    client = app.test_client()

    statuses = [
        client.post("/account/login", data={"email": f"u{i}@example.com", "password": "guess"}).status_code
        for i in range(6)
    ]

    assert statuses == [422, 422, 422, 422, 429, 429]


def test_successful_logins_do_not_use_up_the_account_limit(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="2 per minute")
    client = app.test_client()
    with app.app_context():
        make_user(email="often@example.com")
    for _ in range(4):
        response = client.post("/account/login", data={"email": "often@example.com", "password": DEFAULT_PASSWORD})
        assert response.status_code == 302
        client.post("/account/logout")
