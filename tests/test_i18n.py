import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from marketplace.i18n import local_date, local_datetime, vnd

ROOT = Path(__file__).resolve().parent.parent


def test_vietnamese_is_the_default_language(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Hợp tác xã" in page or "Đăng nhập" in page


def test_language_switch_is_kept_in_a_cookie_and_returns_to_the_page(client):
    response = client.post("/language", data={"lang": "en", "next": "/account/login"})

    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    assert client.get_cookie("lang").value == "en"
    page = client.get("/account/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page

    client.post("/language", data={"lang": "vi", "next": "/"})
    assert "Đăng nhập" in client.get("/account/login").get_data(as_text=True)


def test_language_switch_ignores_unknown_languages_and_offsite_next(client):
    response = client.post("/language", data={"lang": "fr", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    assert client.get_cookie("lang") is None


def test_money_is_formatted_per_language(app):
    with app.test_request_context():
        with force_locale("vi"):
            assert vnd(1_250_000) == "1.250.000\xa0₫"
            assert vnd(0) == "0\xa0₫"
        with force_locale("en"):
            assert vnd(1_250_000) == "₫1,250,000"


def test_money_must_be_integer_dong(app):
    with app.test_request_context(), pytest.raises(TypeError):
        vnd(1.5)


def test_dates_are_dd_mm_yyyy_in_vietnam_time(app):
    late_evening_utc = datetime(2026, 3, 4, 18, 30, tzinfo=timezone.utc)  # 01:30 on 5 March in Hà Nội
    with app.test_request_context():
        with force_locale("vi"):
            assert local_date(date(2026, 3, 5)) == "05/03/2026"
            assert local_date(late_evening_utc) == "05/03/2026"
            assert local_datetime(late_evening_utc) == "01:30 05/03/2026"
        with force_locale("en"):
            assert local_date(date(2026, 3, 5)) == "5 Mar 2026"


def test_vietnamese_catalog_translates_every_message_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with (ROOT / "translations/vi/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(wanted - translated)
    assert missing == [], "run `make translations-extract` and translate these in vi/messages.po"
