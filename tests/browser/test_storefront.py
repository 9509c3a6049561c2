"""A buyer on a phone finds honey by typing without diacritics."""
from playwright.sync_api import expect

from marketplace.demo import load_demo_data


def test_search_mat_ong_from_the_header_and_open_the_honey(app, live_server, page, screenshot):
    load_demo_data()
    page.goto(live_server.url + "/")

    page.get_by_role("searchbox", name="Tìm sản phẩm").fill("mat ong")
    page.get_by_role("searchbox", name="Tìm sản phẩm").press("Enter")

    expect(page.get_by_role("heading", name="Kết quả cho “mat ong”")).to_be_visible()
    expect(page.locator(".card.product h3").first).to_have_text("Mật ong hoa rừng Lạng Sơn 500 ml")
    screenshot("search-mat-ong")

    page.get_by_role("link", name="Mật ong hoa rừng Lạng Sơn 500 ml").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mật ong hoa rừng Lạng Sơn 500 ml")
    expect(page.locator(".price.big")).to_contain_text("180.000 ₫")
    expect(page.get_by_role("link", name="HTX Quảng Hồng")).to_be_visible()
    screenshot("product-honey")


def test_filters_work_without_javascript(app, live_server, browser):
    load_demo_data()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/products")
    page.get_by_text("Lọc và sắp xếp").click()
    page.get_by_label("OCOP").check()
    page.get_by_label("Sắp xếp theo").select_option("price_desc")
    page.get_by_role("button", name="Áp dụng").click()

    expect(page.locator(".card.product h3").first).to_have_text("Mật ong hoa rừng Lạng Sơn 500 ml")
    expect(page.locator(".chips")).to_contain_text("OCOP")
    context.close()
