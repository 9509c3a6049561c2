"""Journeys in a real browser against the app served over HTTP."""
from playwright.sync_api import expect

from marketplace.demo import DEMO_PASSWORD, load_demo_data


def test_home_page_in_vietnamese_then_english(app, live_server, page, screenshot):
    load_demo_data()

    page.goto(live_server.url + "/")

    expect(page.locator("header .brand-name")).to_have_text("Chợ HTX")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="HTX Nông sản Chi Lăng")).to_be_visible()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()
    screenshot("home-vi")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("heading", name="Cooperatives")).to_be_visible()
    screenshot("home-en")


def test_register_log_out_and_log_in_again(app, live_server, page, screenshot):
    page.goto(live_server.url + "/account/register")
    page.get_by_label("Họ và tên").fill("Vi Thị Lan")
    page.get_by_label("Email").fill("lan@example.com")
    page.get_by_label("Số điện thoại di động").fill("0388 123 456")
    page.get_by_label("Mật khẩu", exact=True).fill("ngay-mua-na-2026")
    page.get_by_role("button", name="Đăng ký").click()

    expect(page.locator(".flash")).to_contain_text("Vi Thị Lan")
    page.locator("summary", has_text="Vi Thị Lan").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()

    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Email").fill("lan@example.com")
    page.get_by_label("Mật khẩu", exact=True).fill("sai-mat-khau-1")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Email hoặc mật khẩu không đúng")
    expect(page.get_by_label("Email")).to_have_value("lan@example.com")
    screenshot("login-error")

    page.get_by_label("Mật khẩu", exact=True).fill("ngay-mua-na-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("summary", has_text="Vi Thị Lan")).to_be_visible()


def test_demo_owner_reaches_the_cooperative_dashboard(app, live_server, page):
    load_demo_data()
    page.goto(live_server.url + "/vendor")
    page.get_by_label("Email").fill("chilang@example.com")
    page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(live_server.url + "/vendor")
    expect(page.get_by_role("heading", name="HTX Nông sản Chi Lăng")).to_be_visible()
