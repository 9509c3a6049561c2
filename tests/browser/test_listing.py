"""A cooperative owner on a phone lists a product with a photo and publishes it."""
import io

from PIL import Image
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Category

from ..factories import make_cooperative, make_user
from .test_onboarding import log_in


def test_an_owner_on_a_phone_creates_a_product_with_a_photo_and_publishes_it(app, live_server, page, screenshot,
                                                                            tmp_path):
    owner = make_user(email="thang@example.com")
    make_cooperative(name="HTX Na Chi Lăng", owner=owner)
    db.session.add(Category(slug="na", name_vi="Na (mãng cầu)", name_en="Custard apples"))
    db.session.commit()
    photo = tmp_path / "na.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 750), "green").save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    log_in(page, live_server.url, "thang@example.com")
    page.goto(live_server.url + "/vendor")
    page.get_by_role("link", name="Sản phẩm", exact=True).click()
    page.get_by_role("link", name="Thêm sản phẩm").click()
    page.get_by_label("Tên sản phẩm").fill("Na Chi Lăng loại 1")
    page.get_by_label("Danh mục").select_option(label="Na (mãng cầu)")
    page.get_by_label("Đơn vị tính").fill("kg")
    page.get_by_label("Giá mỗi đơn vị (đồng)").fill("85000")
    page.get_by_label("Khối lượng mỗi đơn vị (gam)").fill("1100")
    page.get_by_label("Nơi trồng hoặc sản xuất (xã/phường)").select_option(label="Xã Chi Lăng")
    page.get_by_label("Tháng 8").check()
    page.get_by_label("Đăng bán: người mua có thể xem và đặt hàng").check()
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu sản phẩm.")).to_be_visible()

    page.get_by_label("Ảnh (JPEG, PNG hoặc WebP, tối đa 8 MB)").set_input_files(str(photo))
    page.get_by_role("button", name="Thêm ảnh").click()
    expect(page.get_by_text("Đã thêm ảnh.")).to_be_visible()
    screenshot("vendor-product-form")

    page.get_by_role("link", name="Xem trên cửa hàng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Na Chi Lăng loại 1")
    gallery_image = page.locator(".gallery img").first
    assert "320w" in gallery_image.get_attribute("srcset")
    assert page.evaluate("document.querySelector('.gallery img').naturalWidth") > 0  # the photo loaded
    screenshot("product-with-photo")
