import pytest

from marketplace import create_app
from marketplace.config import ConfigError, database_url, load_config


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"ENVIRON": {"MARKETPLACE_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}})


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="MARKETPLACE_ENV"):
        load_config(str(tmp_path), {"MARKETPLACE_ENV": "staging"})


def test_development_key_is_generated_once_and_kept(tmp_path):
    first = load_config(str(tmp_path), {})["SECRET_KEY"]
    second = load_config(str(tmp_path), {})["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_defaults_to_sqlite_in_instance_and_maps_postgres_urls(tmp_path):
    assert database_url(None, "/srv/instance") == "sqlite:////srv/instance/marketplace.db"
    assert database_url("postgresql://u@h/db", "") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u:p@h:5433/db", "") == "postgresql+psycopg://u:p@h:5433/db"
    assert database_url("postgresql+psycopg://u@h/db", "") == "postgresql+psycopg://u@h/db"


def test_environment_settings_reach_the_app(tmp_path):
    app = create_app({"ENVIRON": {
        "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path}/a.db", "REDIS_URL": "redis://127.0.0.1:6379/3",
        "MAIL_BACKEND": "memory", "STRIPE_SECRET_KEY": "sk_test_x"}})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.config["STRIPE_SECRET_KEY"] == "sk_test_x"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/a.db")


def test_production_cookies_are_secure_and_hsts_is_sent(tmp_path):
    app = create_app({"ENVIRON": {"MARKETPLACE_ENV": "production", "SECRET_KEY": "s" * 40,
                                  "DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "MAIL_BACKEND": "memory"}})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/does-not-exist")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_security_headers_on_html_responses(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, buyer):
    response = auth.login("mai@example.com")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("path, status, words", [
    ("/nothing-here", 404, "Không tìm thấy trang"),
    ("/account/password/reset/bad", 410, "Liên kết này không còn hiệu lực"),
])
def test_error_pages_are_friendly(client, path, status, words):
    response = client.get(path)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)


def test_a_crash_shows_the_friendly_500_page(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.get_data(as_text=True)


def test_too_large_request_gets_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1000)
    response = app.test_client().post("/account/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "quá lớn" in response.get_data(as_text=True)


def test_form_fields_carry_no_attribute_written_as_none(client):
    page = client.get("/account/register").get_data(as_text=True)
    assert '="None"' not in page and 'required' in page


def test_a_nul_character_anywhere_is_refused_with_a_message_not_a_server_error(client):
    response = client.post("/account/register", data={"full_name": "An\x00", "email": "a@example.com"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert client.get("/products?q=mat%00ong").status_code == 400
    assert client.get("/api/v1/products?q=%00").get_json()["error"]["status"] == 400
