"""A guest on a phone adds products from the list and a product page, buys from two cooperatives with
cash on delivery and sees both parts."""
from playwright.sync_api import expect

from ..factories import make_cooperative, make_product


def test_a_guest_buys_from_two_cooperatives_and_sees_two_vendor_orders(app, live_server, page, screenshot):
    products = [make_product(make_cooperative(name="HTX Na Chi Lăng"), name="Na Chi Lăng"),
                make_product(make_cooperative(name="HTX Quảng Hồng"), name="Mật ong rừng", price=180_000)]
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])

    page.goto(f"{live_server.url}/products")  # from the list
    page.get_by_role("button", name="Add Na Chi Lăng to the cart").click()
    expect(page.locator(".flash")).to_contain_text("Added to your cart.")
    page.goto(f"{live_server.url}/products/{products[1].slug}")  # and from a product's page
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".flash")).to_contain_text("Added to your cart.")
    expect(page.locator(".cart-group")).to_have_count(2)

    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Full name").fill("Nguyễn Thị Mai")
    page.get_by_label("Mobile phone").fill("0912 345 678")
    page.get_by_label("Commune or ward").select_option("6463")
    page.get_by_label("House number, street, village").fill("12 Lê Lợi")
    expect(page.get_by_label("Cash on delivery")).to_be_checked()
    screenshot("checkout-guest")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Order CHX-")
    expect(page.locator(".notice")).to_contain_text("Keep this link")
    parts = page.locator(".vendor-order")
    expect(parts).to_have_count(2)
    expect(parts.nth(0)).to_contain_text("HTX Na Chi Lăng")
    expect(parts.nth(1)).to_contain_text("HTX Quảng Hồng")
    screenshot("order-placed-guest")
