"""/admin/audit lists and filters the whole log; /vendor/audit shows an owner their cooperative's rows."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from marketplace.audit.services import PER_PAGE

from ..factories import make_cooperative, make_user
from .helpers import add_entry

UTC = timezone.utc
MARCH_4 = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def admin_client(client, auth, admin):
    auth.login(admin.email)
    return client


def _page(client, query: str = "", path: str = "/admin/audit", status: int = 200) -> str:
    response = client.get(f"{path}?{query}")
    assert response.status_code == status
    return response.get_data(as_text=True)


def test_the_admin_sees_entries_newest_first_in_vietnam_time(admin_client):
    add_entry("account.login", at=MARCH_4, target="older-entry")
    add_entry("account.login_failed", at=datetime(2026, 3, 4, 16, 30, tzinfo=UTC), target="newer-entry",
              ip_address="203.0.113.7")

    page = _page(admin_client, "actor=someone")

    assert page.index("newer-entry") < page.index("older-entry")
    assert "23:30 04/03/2026" in page and "203.0.113.7" in page
    assert "<caption" in page


def test_actions_are_shown_in_the_visitors_language_and_unknown_ones_as_recorded(admin_client):
    add_entry("account.login_failed", at=MARCH_4)
    add_entry("order.placed", at=MARCH_4)
    admin_client.set_cookie("lang", "en")

    page = _page(admin_client, "actor=someone")

    assert "Failed login" in page and "order.placed" in page


def test_filter_by_actor_is_a_case_insensitive_part_of_the_email(admin_client):
    add_entry("account.login", at=MARCH_4, actor_label="lan.nguyen@example.com", target="lan-entry")
    add_entry("account.login", at=MARCH_4, actor_label="binh@example.com", target="binh-entry")

    page = _page(admin_client, "actor=LAN.NGUYEN")

    assert "lan-entry" in page and "binh-entry" not in page


def test_filter_by_actor_takes_wildcards_literally(admin_client):
    add_entry("account.login", at=MARCH_4, actor_label="an_le@example.com", target="underscore-entry")
    add_entry("account.login", at=MARCH_4, actor_label="anxle@example.com", target="other-entry")

    page = _page(admin_client, "actor=an_")

    assert "underscore-entry" in page and "other-entry" not in page


def test_filter_by_cooperative(admin_client):
    ours, theirs = make_cooperative(name="HTX Na Ngon"), make_cooperative(name="HTX Mật Ong")
    add_entry("cooperative.suspended", at=MARCH_4, cooperative=ours, target="ours-entry")
    add_entry("cooperative.suspended", at=MARCH_4, cooperative=theirs, target="theirs-entry")

    page = _page(admin_client, f"cooperative={ours.id}")

    assert "ours-entry" in page and "theirs-entry" not in page
    assert f'<option value="{ours.id}" selected>HTX Na Ngon</option>' in page


def test_filter_by_action(admin_client):
    add_entry("account.password_changed", at=MARCH_4, target="changed-entry")
    add_entry("account.password_reset", at=MARCH_4, target="reset-entry")

    page = _page(admin_client, "action=account.password_changed")

    assert "changed-entry" in page and "reset-entry" not in page


def test_filter_by_vietnam_dates_includes_both_whole_days(admin_client):
    add_entry("account.login", at=datetime(2026, 3, 2, 16, 59, tzinfo=UTC), target="before-entry")  # 23:59 on 2 March
    add_entry("account.login", at=datetime(2026, 3, 2, 17, 0, tzinfo=UTC), target="first-entry")  # 00:00 on 3 March
    add_entry("account.login", at=datetime(2026, 3, 4, 16, 30, tzinfo=UTC), target="late-entry")  # 23:30 on 4 March
    add_entry("account.login", at=datetime(2026, 3, 4, 17, 0, tzinfo=UTC), target="after-entry")  # 00:00 on 5 March

    page = _page(admin_client, "from=2026-03-03&to=2026-03-04")

    assert "first-entry" in page and "late-entry" in page
    assert "before-entry" not in page and "after-entry" not in page
    assert "late-entry" in _page(admin_client, "from=04/03/2026&to=04/03/2026")


def test_filters_combine(admin_client):
    coop = make_cooperative()
    add_entry("account.login", at=MARCH_4, cooperative=coop, actor_label="a@example.com", target="match-entry")
    add_entry("account.logout", at=MARCH_4, cooperative=coop, actor_label="a@example.com", target="action-entry")
    add_entry("account.login", at=MARCH_4, actor_label="a@example.com", target="coop-entry")
    add_entry("account.login", at=MARCH_4 - timedelta(days=2), cooperative=coop, actor_label="a@example.com",
              target="date-entry")

    page = _page(admin_client, f"actor=a@&cooperative={coop.id}&action=account.login&from=2026-03-04")

    assert "match-entry" in page
    assert not any(other in page for other in ("action-entry", "coop-entry", "date-entry"))


def test_fifty_entries_a_page_with_previous_and_next_links(admin_client):
    for n in range(PER_PAGE + 1):
        add_entry("account.login", at=MARCH_4 + timedelta(minutes=n), target=f"entry-{n:02d}-")

    first = _page(admin_client, "actor=someone")
    second = _page(admin_client, "actor=someone&page=2")

    assert "entry-50-" in first and "entry-00-" not in first
    assert 'rel="next" href="/admin/audit?actor=someone&amp;page=2"' in first and 'rel="prev"' not in first
    assert "entry-00-" in second and "entry-01-" not in second
    assert 'rel="prev" href="/admin/audit?actor=someone"' in second and 'rel="next"' not in second


@pytest.mark.parametrize(("query", "field", "message", "kept"), [
    ("from=2026-02-30&actor=lan", "from", "The start date must be a date", ['value="2026-02-30"', 'value="lan"']),
    ("to=yesterday", "to", "The end date must be a date", ['value="yesterday"']),
    ("from=0001-01-01", "from", "The start date is out of range", ['value="0001-01-01"']),
    ("cooperative=abc", "cooperative", "There is no such cooperative", []),
    ("cooperative=99999999999999999999", "cooperative", "There is no such cooperative", []),
    ("action=account.hacked", "action", "There is no such action", []),
    ("from=2026-03-05&to=2026-03-04", "to", "The start date must not be after the end date",
     ['value="2026-03-05"', 'value="2026-03-04"']),
    ("page=0", None, "There is no such page", []),
])
def test_bad_filters_answer_400_with_a_message_and_keep_what_was_typed(admin_client, query, field, message, kept):
    admin_client.set_cookie("lang", "en")

    page = _page(admin_client, query, status=400)

    assert f'<p id="audit-filter-error" class="form-error" role="alert">{message}' in page
    assert page.count('aria-invalid="true"') == (1 if field else 0)
    if field:
        assert re.search(rf'id="audit-{field}"[^>]*aria-invalid="true"', page)
    for typed in kept:
        assert typed in page
    assert "<table" not in page


@pytest.mark.parametrize("query", ["actor=%25_%5C", "actor=" + "x" * 5000, "page=10000",
                                   "cooperative=2147483647", "from=2999-12-31"])
def test_odd_but_harmless_filters_list_nothing_rather_than_fail(admin_client, query):
    add_entry("account.login", at=MARCH_4, target="some-entry")

    assert "some-entry" not in _page(admin_client, query)


def test_a_nul_character_in_a_filter_is_refused(admin_client):
    assert "NUL" in _page(admin_client, "actor=zz%00", status=400)


def test_bad_filters_are_explained_in_vietnamese_by_default(admin_client):
    assert "Không có hợp tác xã này." in _page(admin_client, "cooperative=abc", status=400)


def test_the_admin_page_is_for_admins_only(client, auth, buyer):
    owner = make_user()
    make_cooperative(owner=owner)
    for user in (buyer, owner):
        auth.login(user.email)
        assert client.get("/admin/audit").status_code == 403
        auth.logout()


@pytest.fixture
def owner_setup(client, auth):
    owner, other_owner = make_user(email="owner@example.com"), make_user()
    ours = make_cooperative(name="HTX Na Ngon", owner=owner)
    theirs = make_cooperative(name="HTX Mật Ong", owner=other_owner)
    add_entry("staff.invited", at=MARCH_4, cooperative=ours, target="ours-entry")
    add_entry("staff.invited", at=MARCH_4, cooperative=theirs, target="theirs-entry")
    add_entry("account.login", at=MARCH_4, target="no-cooperative-entry")
    auth.login(owner.email)
    return ours, theirs


def test_an_owner_sees_their_cooperatives_rows_only(client, owner_setup):
    ours, theirs = owner_setup

    page = _page(client, path="/vendor/audit")

    assert "ours-entry" in page
    assert "theirs-entry" not in page and "no-cooperative-entry" not in page
    assert 'name="cooperative"' not in page


def test_an_owner_cannot_ask_for_another_cooperatives_rows(client, owner_setup):
    ours, theirs = owner_setup

    for query in (f"cooperative={theirs.id}", "cooperative=abc"):
        page = _page(client, query, path="/vendor/audit")
        assert "ours-entry" in page and "theirs-entry" not in page


def test_an_owner_filters_their_rows_too(client, owner_setup):
    client.set_cookie("lang", "en")

    page = _page(client, "action=account.login", path="/vendor/audit")

    assert "ours-entry" not in page and "owner@example.com" in page  # the owner's own login
    assert "There is no such action" in _page(client, "action=nope", path="/vendor/audit", status=400)


def test_cooperative_staff_cannot_see_the_cooperative_log(client, auth):
    staff = make_user()
    make_cooperative(owner=make_user(), staff=(staff,))
    auth.login(staff.email)

    assert client.get("/vendor/audit").status_code == 403


def test_dashboards_link_to_the_logs(client, auth, admin):
    owner = make_user()
    make_cooperative(owner=owner)
    auth.login(admin.email)
    assert 'href="/admin/audit"' in client.get("/admin").get_data(as_text=True)
    auth.logout()
    auth.login(owner.email)
    assert 'href="/vendor/audit"' in client.get("/vendor").get_data(as_text=True)
