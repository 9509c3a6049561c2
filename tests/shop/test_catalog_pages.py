"""The storefront pages through the real stack: filters, sorting, facets, paging, visibility."""
import re
from datetime import date

import pytest

from marketplace.catalog.availability import months_mask
from marketplace.catalog.search import reindex_products
from marketplace.common.vntime import vietnam_today
from marketplace.demo import load_demo_data
from marketplace.extensions import db
from marketplace.models import CertificationKind, Cooperative, CooperativeStatus, ProductCertification, ProductStatus

from ..factories import make_cooperative, make_product


def names(page: str) -> list[str]:
    return re.findall(r'<li class="card product">.*?<h3>([^<]+)</h3>', page, re.S)


@pytest.fixture
def demo(app):
    load_demo_data()


def get(client, url, status=200):
    response = client.get(url)
    assert status is None or response.status_code == status, url
    return response.get_data(as_text=True)


def test_header_search_finds_honey_typed_without_diacritics(client, demo):
    home = get(client, "/")
    assert 'action="/products"' in home and 'name="q"' in home
    assert names(get(client, "/products?q=mat+ong"))[0] == "Mật ong hoa rừng Lạng Sơn 500 ml"


def test_product_list_shows_24_per_page_with_working_pages(client, app):
    coop = make_cooperative()
    for i in range(30):
        make_product(coop, name=f"Rau số {i:02d}", price=10_000 + i)
    first = get(client, "/products?sort=price_asc")
    second = get(client, "/products?sort=price_asc&page=2")
    assert len(names(first)) == 24 and names(first)[0] == "Rau số 00"
    assert names(second) == [f"Rau số {i:02d}" for i in range(24, 30)]
    assert 'href="/products?sort=price_asc&amp;page=2"' in first
    get(client, "/products?page=3", 404)


@pytest.mark.parametrize("url, message", [
    ("/products?page=0", "ngoài phạm vi"),
    ("/products?page=abc", "số nguyên"),
    ("/products?min_price=5000&max_price=100", "Giá cao nhất"),
    ("/products?cert=halal", "Không có"),
    ("/products?sort=random", "Không có"),
    ("/products?category=khong-co", "Không có"),
    ("/products?province=99", "Không có"),
])
def test_bad_filter_values_get_a_clear_message_and_400(client, demo, url, message):
    page = get(client, url, 400)
    assert message in page
    assert 'name="q"' in page  # the filter form is still there to fix it


def test_every_filter_narrows_the_list(client, demo):
    assert set(names(get(client, "/products?category=trai-cay"))) == {
        "Na Chi Lăng loại 1", "Na Chi Lăng hộp quà 3 kg", "Hồng vành khuyên Văn Lãng"}  # with sub-category "na"
    assert set(names(get(client, "/products?coop=htx-quoc-khanh"))) == {"Trứng vịt tươi", "Trứng vịt muối"}
    assert len(names(get(client, "/products?province=20"))) == 15
    assert names(get(client, "/products?province=1")) == []
    assert set(names(get(client, "/products?cert=ocop&sort=price_asc"))) == {
        "Na Chi Lăng loại 1", "Mật ong hoa rừng Lạng Sơn 500 ml", "Trứng vịt muối"}  # the expired OCOP is left out
    assert set(names(get(client, "/products?cert=ocop&cert=vietgap"))) >= {"Rau cải ngọt an toàn", "Trứng vịt muối"}
    prices = names(get(client, "/products?min_price=100.000&max_price=200000"))
    assert set(prices) == {"Mật ong hoa rừng Lạng Sơn 500 ml", "Phấn hoa ong 200 g", "Cá trắm lồng", "Thịt lợn đen bản"}
    assert "Na Chi Lăng loại 1" not in names(get(client, "/products?in_stock=1"))


def test_sort_orders(client, demo):
    by_price = names(get(client, "/products?sort=price_asc"))
    assert by_price[0] == "Rau cải ngọt an toàn" and by_price[-1] == "Gà đồi thả vườn"
    assert names(get(client, "/products?sort=price_desc"))[0] == "Gà đồi thả vườn"
    assert names(get(client, "/products?sort=bestselling"))[0] == "Na Chi Lăng loại 1"
    coop = make_cooperative()
    make_product(coop, name="Sản phẩm mới nhất")
    assert names(get(client, "/products?sort=newest"))[0] == "Sản phẩm mới nhất"


def test_facets_count_the_current_result_and_chips_remove_filters(client, demo):
    page = get(client, "/products?q=rau")
    assert re.search(r'category=rau-an-toan">Rau an toàn</a> <span class="count">3</span>', page)
    assert re.search(r'cert=vietgap">VietGAP</a> <span class="count">\d</span>', page)
    filtered = get(client, "/products?q=rau&cert=vietgap")
    assert 'href="/products?q=rau" title=' in filtered  # chip removing the certification


def test_empty_result_suggests_how_to_widen_the_search(client, demo):
    page = get(client, "/products?q=sau+rieng&cert=organic")
    assert "Không có sản phẩm phù hợp" in page
    assert "Bỏ bớt bộ lọc" in page and 'href="/products"' in page


def test_product_page_shows_price_origin_season_certifications_and_cooperative(client, demo):
    page = get(client, "/products/na-chi-lang-loai-1")
    assert "85.000\xa0₫</strong> / kg" in page
    assert "Xã Chi Lăng, Lạng Sơn" in page and "tháng 7, tháng 8, tháng 9" in page
    assert "OCOP 4 sao" in page and "VietGAP" in page
    assert 'href="/coops/htx-nong-san-chi-lang"' in page
    assert '<meta property="og:title" content="Na Chi Lăng loại 1 – 85.000\xa0₫ / kg">' in page
    assert '<meta property="og:image" content="http://localhost/static/img/product.png">' in page
    assert "Na Chi Lăng hộp quà 3 kg" in page  # related product


def test_expired_certifications_are_not_claimed(client, demo):
    assert "OCOP" not in get(client, "/products/na-say-deo-chi-lang").split("<main")[1]


@pytest.mark.parametrize("stock, season, text", [
    (50, 0, "Còn hàng"),
    (3, 0, "Chỉ còn 3"),
    (0, 0, "Hết hàng"),
    (50, "other", "Hết mùa"),
])
def test_product_page_stock_status(client, app, stock, season, text):
    month = vietnam_today().month
    product = make_product(make_cooperative(), stock=stock)
    product.season_months = months_mask([month % 12 + 1]) if season == "other" else 0
    db.session.commit()
    assert text in get(client, f"/products/{product.slug}")


def test_seasonal_highlights_on_the_home_page(client, app):
    coop = make_cooperative()
    in_season = make_product(coop, name="Hàng đúng mùa")
    in_season.season_months = months_mask([vietnam_today().month])
    out_of_season = make_product(coop, name="Hàng trái mùa")
    out_of_season.season_months = months_mask([vietnam_today().month % 12 + 1])
    db.session.commit()
    home = get(client, "/")
    season = home.split('id="season-heading"')[1].split("</section>")[0]
    assert "Hàng đúng mùa" in season and "Hàng trái mùa" not in season


@pytest.mark.parametrize("coop_status, product_status", [
    (CooperativeStatus.APPROVED, ProductStatus.DRAFT),
    (CooperativeStatus.APPROVED, ProductStatus.ARCHIVED),
    (CooperativeStatus.PENDING, ProductStatus.PUBLISHED),
    (CooperativeStatus.SUSPENDED, ProductStatus.PUBLISHED),
])
def test_hidden_products_are_nowhere(client, app, coop_status, product_status):
    coop = make_cooperative(name="HTX Ẩn", status=coop_status)
    product = make_product(coop, name="Sản phẩm ẩn", status=product_status)
    reindex_products([product.id])
    db.session.commit()
    get(client, f"/products/{product.slug}", 404)
    for url in ("/", "/products", "/products?q=san+pham+an", "/coops", "/products?coop=" + coop.slug):
        assert "Sản phẩm ẩn" not in get(client, url, None)
    if coop_status != CooperativeStatus.APPROVED:
        get(client, f"/coops/{coop.slug}", 404)
        for url in ("/", "/coops", "/coops?q=an"):
            assert "HTX Ẩn" not in get(client, url)


def test_suspending_a_cooperative_hides_it_at_once(client, demo):
    get(client, "/coops/htx-quang-hong")
    quang_hong = db.session.scalar(db.select(Cooperative).filter_by(slug="htx-quang-hong"))
    quang_hong.status = CooperativeStatus.SUSPENDED
    db.session.commit()
    get(client, "/coops/htx-quang-hong", 404)
    get(client, "/products/mat-ong-hoa-rung-500ml", 404)
    assert names(get(client, "/products?q=mat+ong")) == []


def test_cooperative_list_and_search_by_name(client, demo):
    page = get(client, "/coops")
    assert "HTX Nông sản Chi Lăng" in page and "HTX Cường Thịnh" not in page
    found = get(client, "/coops?q=quang+hong")
    assert "HTX Quảng Hồng" in found and "HTX Quốc Khánh" not in found
    assert "HTX Quảng Hồng" in get(client, "/coops?province=20")
    assert "HTX Quảng Hồng" not in get(client, "/coops?province=1")
    get(client, "/coops?province=abc", 400)


def test_cooperative_storefront_lists_only_its_products_with_filters(client, demo):
    page = get(client, "/coops/htx-quang-hong?q=mat")
    assert "Hợp tác xã Sản xuất và Dịch vụ nông nghiệp Quảng Hồng" in page
    assert names(page)[0] == "Mật ong hoa rừng Lạng Sơn 500 ml"
    assert set(names(page)) <= {"Mật ong hoa rừng Lạng Sơn 500 ml", "Phấn hoa ong 200 g"}
    assert set(names(get(client, "/coops/htx-quang-hong?category=rau-cu"))) == {
        "Rau cải ngọt an toàn", "Đậu đũa an toàn", "Su hào an toàn"}


def test_cooperative_profile_shows_contact_and_what_its_products_are_certified(client, demo):
    page = get(client, "/coops/htx-quang-hong")
    assert 'href="tel:+84981000002"' in page and "0981 000 002" in page
    assert 'href="mailto:quanghong@example.com"' in page
    profile = page.split('<section class="profile">')[1].split("</section>")[0]
    assert "OCOP 3 sao" in profile and "VietGAP" in profile and "Hữu cơ" not in profile


def test_certification_kinds_have_their_own_filter_values(client, app):
    product = make_product(make_cooperative(), name="Chè hữu cơ")
    product.certifications = [ProductCertification(kind=CertificationKind.ORGANIC, certificate_number="HC-1")]
    db.session.commit()
    assert names(get(client, "/products?cert=organic")) == ["Chè hữu cơ"]


def test_certification_filter_and_counts_follow_every_certificate_change(client, app):
    """The list reads each product's copy of its certificates' validity: every change must reach it."""
    product = make_product(make_cooperative(), name="Mật ong bạc hà")
    make_product(make_cooperative(), name="Mật ong thường")
    certificate = ProductCertification(kind=CertificationKind.VIETGAP, certificate_number="VG-1",
                                       expires_on=date(2030, 1, 1))
    product.certifications.append(certificate)
    db.session.commit()

    def listed(cert: str) -> list[str]:
        return names(get(client, f"/products?cert={cert}"))

    assert listed("vietgap") == ["Mật ong bạc hà"] and listed("organic") == []
    certificate.expires_on = date(2020, 1, 1)  # expired
    db.session.commit()
    assert listed("vietgap") == []
    certificate.expires_on = None  # no expiry
    db.session.commit()
    assert listed("vietgap") == ["Mật ong bạc hà"]
    facets = get(client, "/products").split('class="facets"')[1].split("</aside>")[0]
    assert "cert=vietgap" in facets and "cert=organic" not in facets
    certificate.kind = CertificationKind.ORGANIC
    db.session.commit()
    assert listed("vietgap") == [] and listed("organic") == ["Mật ong bạc hà"]
    product.certifications.remove(certificate)
    db.session.commit()
    assert listed("organic") == []
    product.certifications.append(ProductCertification(kind=CertificationKind.OCOP, ocop_stars=4))
    db.session.commit()
    assert listed("ocop") == ["Mật ong bạc hà"]
    db.session.delete(product.certifications[0])
    db.session.commit()
    assert listed("ocop") == []


def test_sitemap_lists_only_visible_pages(client, demo):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    xml = response.get_data(as_text=True)
    assert "http://localhost/products/mat-ong-hoa-rung-500ml" in xml
    assert "http://localhost/coops/htx-quang-hong" in xml
    assert "quyt-vang-bac-son" not in xml and "htx-cuong-thinh" not in xml  # pending cooperative
    assert "Sitemap: http://localhost/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
