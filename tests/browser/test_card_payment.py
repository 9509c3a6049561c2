"""A guest on a phone buys by card: checkout with card, the test form of the local test server
(localstripe) with the succeeding card, and the order paid, its part placed."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..conftest import LiveServer
from ..factories import make_cooperative, make_product
from ..payments import conftest as payment_fixtures
from ..payments.conftest import card_settings

localstripe = payment_fixtures.localstripe  # the session's localstripe server, a fixture of tests/payments


@pytest.fixture
def card_live_server(make_app, localstripe):
    app = make_app(**card_settings(localstripe.url))
    with app.app_context(), LiveServer(app) as server:
        yield server


def test_a_guest_pays_by_card_with_the_test_form_and_sees_the_order_paid(card_live_server, page, screenshot):
    make_product(make_cooperative(name="HTX Na Chi Lăng"), name="Na Chi Lăng", price=85_000)
    url = card_live_server.url
    page.context.add_cookies([{"name": "lang", "value": "en", "url": url}])

    page.goto(f"{url}/products")
    page.get_by_role("button", name="Add Na Chi Lăng to the cart").click()
    expect(page.locator(".flash")).to_contain_text("Added to your cart.")
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Full name").fill("Nguyễn Thị Mai")
    page.get_by_label("Mobile phone").fill("0912 345 678")
    page.get_by_label("Commune or ward").select_option("6463")
    page.get_by_label("House number, street, village").fill("12 Lê Lợi")
    page.get_by_label("Card", exact=True).check()
    page.get_by_role("button", name="Place order").click()

    expect(page.locator(".vendor-order .status")).to_have_text("Waiting for payment")
    page.get_by_role("link", name="Pay by card").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("by card")
    expect(page.get_by_label("A card that pays (pm_card_visa)")).to_be_checked()
    screenshot("card-pay-test-form")
    page.get_by_role("button", name="Pay").click()

    expect(page.locator(".flash")).to_contain_text("your card payment was received")
    expect(page.locator(".vendor-order .status")).to_have_text("Placed, waiting for the cooperative")
    expect(page.locator(".facts").first).to_contain_text("nothing: paid in full")
    expect(page.get_by_role("link", name="Pay by card")).to_have_count(0)
    screenshot("card-paid-guest")
