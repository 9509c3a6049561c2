"""Route by route: every route declares a guard, and each guard holds for each kind of visitor.

A new route without a guard decorator fails test_every_route_declares_its_access; a route
with a path argument needs an example value in EXAMPLE_ARGS below.
"""
import pytest

from marketplace.accounts import guards
from marketplace.models import CooperativeStatus

from .factories import DEFAULT_PASSWORD, make_cooperative, make_user

EXAMPLE_ARGS = {"token": "not-a-real-token", "document_id": 1, "application_id": 1, "cooperative_id": 1,
                "invitation_id": 1, "member_id": 1, "product_id": 1, "image_id": 1, "lot_id": 1,
                "file_name": "0123456789abcdef0123456789abcdef-160.webp",
                "vendor_order_id": 1, "number": "CHX-26000000", "address_id": 1, "payment_id": 1, "line_id": 1}
GUARDED = {guards.USER, guards.COOPERATIVE, guards.COOPERATIVE_OWNER, guards.ADMIN}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, getattr(view, "access", None)


def _url(rule):
    missing = rule.arguments - EXAMPLE_ARGS.keys()
    assert not missing, f"add example values for {missing} of {rule.rule} to EXAMPLE_ARGS"
    return rule.build({name: EXAMPLE_ARGS[name] for name in rule.arguments})[1]


def test_every_route_declares_its_access(app):
    undeclared = sorted({rule.rule for rule, _, access in _routes(app) if access is None})
    assert undeclared == [], "routes without a guard from marketplace.accounts.guards"


def test_the_app_has_routes_of_every_kind(app):
    kinds = {access for _, _, access in _routes(app)}
    assert {guards.PUBLIC, guards.ANONYMOUS, guards.USER, guards.COOPERATIVE, guards.ADMIN} <= kinds


def test_anonymous_visitors_are_sent_to_login(app, client):
    for rule, method, access in _routes(app):
        if access in GUARDED:
            url = _url(rule)
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/account/login?next="), (method, url)


def _login(app, user):
    client = app.test_client()
    response = client.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def _forbidden_for(app, client, forbidden_kinds):
    for rule, method, access in _routes(app):
        if access in forbidden_kinds:
            url = _url(rule)
            assert client.open(url, method=method).status_code == 403, (method, url)


@pytest.fixture
def visitors(app):
    buyer = make_user()
    owner, staff, admin, rejected_owner = make_user(), make_user(), make_user(is_admin=True), make_user()
    make_cooperative(owner=owner, staff=(staff,))
    make_cooperative(owner=rejected_owner, status=CooperativeStatus.REJECTED)
    return {"buyer": buyer, "owner": owner, "staff": staff, "admin": admin, "rejected": rejected_owner}


def test_buyers_are_refused_cooperative_and_admin_pages(app, visitors):
    client = _login(app, visitors["buyer"])
    _forbidden_for(app, client, {guards.COOPERATIVE, guards.COOPERATIVE_OWNER, guards.ADMIN})
    assert client.get("/account").status_code == 200


def test_cooperative_staff_are_refused_owner_and_admin_pages(app, visitors):
    client = _login(app, visitors["staff"])
    _forbidden_for(app, client, {guards.COOPERATIVE_OWNER, guards.ADMIN})
    assert client.get("/vendor").status_code == 200


def test_cooperative_owners_are_refused_admin_pages(app, visitors):
    client = _login(app, visitors["owner"])
    _forbidden_for(app, client, {guards.ADMIN})
    assert client.get("/vendor").status_code == 200


def test_admins_who_belong_to_no_cooperative_are_refused_cooperative_pages(app, visitors):
    client = _login(app, visitors["admin"])
    _forbidden_for(app, client, {guards.COOPERATIVE, guards.COOPERATIVE_OWNER})
    assert client.get("/admin").status_code == 200


def test_members_of_a_rejected_cooperative_are_refused_its_pages(app, visitors):
    client = _login(app, visitors["rejected"])
    _forbidden_for(app, client, {guards.COOPERATIVE, guards.COOPERATIVE_OWNER, guards.ADMIN})


def test_the_403_page_is_friendly_and_translated(app, visitors):
    client = _login(app, visitors["buyer"])
    response = client.get("/admin")
    assert "Tài khoản của bạn không có quyền" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Your account does not have access" in client.get("/admin").get_data(as_text=True)
