"""Each account event writes its audit entry, in the transaction of the change itself."""
import re

from marketplace.accounts import services as accounts

from ..factories import DEFAULT_PASSWORD, make_cooperative, make_user
from .helpers import recorded

NEW_PASSWORD = "rau-an-toan-99"


def _only(action: str):
    entries = recorded(action)
    assert len(entries) == 1, entries
    return entries[0]


def test_registration_records_the_new_account_and_its_first_login(client):
    client.post("/account/register", data={"full_name": "Lò Thị Hoa", "email": "Hoa@Example.com",
                                           "phone": "0912345678", "password": "dong-thoi-2026"})

    user = accounts.find_user_by_email("hoa@example.com")
    assert [e.action for e in recorded()] == ["account.registered", "account.login"]
    for entry in recorded():
        assert (entry.actor_id, entry.actor_label, entry.ip_address) == (user.id, "hoa@example.com", "127.0.0.1")
        assert entry.cooperative_id is None


def test_a_refused_registration_records_nothing(client, buyer):
    client.post("/account/register", data={"full_name": "Người khác", "email": buyer.email,
                                           "phone": "0912345678", "password": "dong-thoi-2026"})

    assert recorded() == []


def test_login_records_the_user_and_the_address(auth, buyer):
    auth.login(buyer.email)

    entry = _only("account.login")
    assert (entry.actor_id, entry.actor_label, entry.ip_address) == (buyer.id, buyer.email, "127.0.0.1")


def test_login_of_a_cooperative_member_is_recorded_for_the_cooperative(auth):
    staff = make_user()
    coop = make_cooperative(staff=(staff,))

    auth.login(staff.email)

    assert _only("account.login").cooperative_id == coop.id


def test_a_wrong_password_is_recorded_against_the_account_without_the_password(auth, buyer):
    response = auth.login(buyer.email.upper(), "doan-mo-123")

    assert response.status_code == 422
    entry = _only("account.login_failed")
    assert (entry.actor_id, entry.actor_label, entry.ip_address) == (buyer.id, buyer.email, "127.0.0.1")
    assert "doan-mo-123" not in repr((entry.actor_label, entry.target, entry.details))


def test_a_failed_login_for_an_unknown_email_keeps_the_email_typed_and_no_password(auth):
    auth.login("  NoBody@Example.com ", "doan-mo-123")

    entry = _only("account.login_failed")
    assert entry.actor_id is None and entry.actor_label == "nobody@example.com"
    assert entry.ip_address == "127.0.0.1"
    assert "doan-mo-123" not in repr((entry.actor_label, entry.target, entry.details))
    assert recorded("account.login") == []


def test_logout_is_recorded(auth, buyer):
    auth.login(buyer.email)

    auth.logout()

    entry = _only("account.logout")
    assert (entry.actor_id, entry.ip_address) == (buyer.id, "127.0.0.1")


def test_logging_out_without_a_session_records_nothing(auth):
    auth.logout()

    assert recorded() == []


def test_a_password_change_is_recorded_and_a_refused_one_is_not(client, auth, buyer):
    auth.login(buyer.email)
    refused = client.post("/account/password", data={"current_password": "not-it-123",
                                                      "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 422
    assert recorded("account.password_changed") == []

    client.post("/account/password", data={"current_password": DEFAULT_PASSWORD,
                                           "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    entry = _only("account.password_changed")
    assert (entry.actor_id, entry.ip_address) == (buyer.id, "127.0.0.1")


def test_a_reset_request_is_recorded_for_known_and_unknown_emails(client, buyer):
    client.post("/account/password/reset", data={"email": buyer.email})
    client.post("/account/password/reset", data={"email": "Ghost@Example.com"})

    known, unknown = recorded("account.password_reset_requested")
    assert (known.actor_id, known.actor_label, known.ip_address) == (buyer.id, buyer.email, "127.0.0.1")
    assert (unknown.actor_id, unknown.actor_label) == (None, "ghost@example.com")


def test_a_completed_reset_is_recorded(client, outbox, buyer):
    client.post("/account/password/reset", data={"email": buyer.email})
    link = re.search(r"http://localhost(/account/password/reset/\S+)", outbox[-1].get_content()).group(1)

    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    entry = _only("account.password_reset")
    assert (entry.actor_id, entry.ip_address) == (buyer.id, "127.0.0.1")
    assert len(recorded("account.login")) == 1  # the reset logs the user in
