"""A cooperative applies from a phone, and an admin approves it: the trust gate end to end."""
from playwright.sync_api import expect

from ..factories import DEFAULT_PASSWORD, make_user, valid_tax_code
from ..vendors.test_applications import PDF


def log_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_cooperative_applies_on_a_phone_and_an_admin_approves_it(app, live_server, page, screenshot, tmp_path):
    make_user(email="duc@example.com", full_name="Phạm Văn Đức")
    make_user(email="boss@example.com", is_admin=True)
    certificate = tmp_path / "giay-chung-nhan.pdf"
    certificate.write_bytes(PDF)

    log_in(page, live_server.url, "duc@example.com")
    page.goto(live_server.url + "/vendors/apply")
    page.get_by_label("Tệp (PDF, JPEG hoặc PNG, tối đa 5 MB)").set_input_files(str(certificate))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_role("link", name="giay-chung-nhan.pdf")).to_be_visible()

    fields = {
        "Tên đầy đủ": "Hợp tác xã Nông nghiệp Hữu Lũng", "Tên ngắn hiển thị cho người mua": "HTX Hữu Lũng",
        "Mã số thuế (MST)": valid_tax_code(9), "Số giấy chứng nhận đăng ký": "14G8000456",
        "Ngày cấp": "2021-03-15", "Nơi cấp": "Phòng Tài chính - Kế hoạch", "Năm thành lập": "2021",
        "Số thành viên": "12", "Sản phẩm chính": "Na, cam", "Giới thiệu": "Trồng cây ăn quả trên đất đồi.",
        "Số nhà, đường, thôn": "Thôn Đồng Tiến", "Người đại diện theo pháp luật": "Phạm Văn Đức",
        "Chức danh người đại diện": "Giám đốc", "Điện thoại": "0912 000 005", "Email": "huulung@example.com",
        "Số tài khoản": "8888000111222", "Chủ tài khoản": "HTX NN HUU LUNG",
    }
    for name, value in fields.items():
        page.get_by_label(name, exact=True).fill(value)
    page.get_by_label("Xã/phường").select_option(label="Xã Chi Lăng")
    page.get_by_label("Ngân hàng").select_option(label="Agribank")
    screenshot("apply-form")
    page.get_by_role("button", name="Nộp để xét duyệt").click()
    expect(page.locator(".status")).to_have_text("Đã nộp, chờ xét duyệt")

    page.context.clear_cookies()
    log_in(page, live_server.url, "boss@example.com")
    page.goto(live_server.url + "/admin/vendors")
    page.get_by_role("link", name="Hợp tác xã Nông nghiệp Hữu Lũng").click()
    expect(page.get_by_label("Địa chỉ trang của hợp tác xã")).to_have_value("htx-huu-lung")
    page.get_by_role("button", name="Duyệt").click()
    expect(page.locator(".status")).to_have_text("Đã duyệt")
    screenshot("application-approved")

    page.goto(live_server.url + "/coops/htx-huu-lung")
    expect(page.get_by_role("heading", level=1)).to_have_text("HTX Hữu Lũng")
