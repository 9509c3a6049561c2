"""Demo data: real cooperatives of Lạng Sơn (public names), fictional people and figures.

Idempotent: every row is looked up by its natural key (email, slug, tax code) and
only created when missing, so loading twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from .accounts.models import User
from .catalog.availability import months_mask
from .catalog.models import Category, CertificationKind, Product, ProductCertification, ProductStatus
from .catalog.search import products_missing_documents, reindex_products
from .database import utcnow
from .extensions import db
from .common.vntime import vietnam_today
from .inventory import stock
from .inventory.models import Lot, MovementReason, StockMovement
from .orders import fulfilment, placement
from .orders.models import Order, PaymentMethod
from .orders.states import Actor, VendorOrderState
from .transaction import write_transaction
from .vendors import documents
from .vendors.models import (
    ApplicationDocument,
    ApplicationStatus,
    Cooperative,
    CooperativeApplication,
    CooperativeMember,
    CooperativeStatus,
    DocumentKind,
    MemberRole,
)

DEMO_PASSWORD = "demo12345"
LANG_SON = 20  # province code

USERS = [
    # email, full name, phone, platform admin
    ("admin@example.com", "Quản trị Liên minh HTX", "+84912000001", True),
    ("chilang@example.com", "Hoàng Văn Thắng", "+84912000002", False),
    ("quanghong@example.com", "Lý Thị Hồng", "+84912000003", False),
    ("buyer@example.com", "Nguyễn Thị Mai", "+84912000004", False),
    ("applicant@example.com", "Phạm Văn Đức", "+84912000005", False),
]

# A cooperative application waiting for the admins, with its registration certificate.
APPLICATION = {
    "legal_name": "Hợp tác xã Nông nghiệp Hữu Lũng", "display_name": "HTX Hữu Lũng",
    "tax_code": "4907654322", "registration_number": "14G8000456", "registration_date": date(2021, 3, 15),
    "registration_authority": "Phòng Tài chính - Kế hoạch huyện Hữu Lũng", "province_code": LANG_SON,
    "ward_code": 6463, "street_address": "Thôn Đồng Tiến", "representative_name": "Phạm Văn Đức",
    "representative_title": "Giám đốc", "phone": "+84912000005", "email": "applicant@example.com",
    "bank_bin": "970405", "bank_account_number": "8888000111222", "bank_account_holder": "HTX NN HUU LUNG",
    "founded_year": 2021, "member_count": 12, "main_products": "Na, cam, bưởi",
    "description": "Hợp tác xã trồng cây ăn quả trên đất đồi.",
}
DEMO_CERTIFICATE = b"%PDF-1.4\n% Demo: Giay chung nhan dang ky HTX\ntrailer<<>>\n%%EOF\n"

CATEGORIES = [
    # slug, Vietnamese, English, parent slug
    ("trai-cay", "Trái cây", "Fruit", None),
    ("na", "Na (mãng cầu)", "Custard apples", "trai-cay"),
    ("mat-ong", "Mật ong & sản phẩm từ ong", "Honey & bee products", None),
    ("rau-cu", "Rau củ", "Vegetables", None),
    ("rau-an-toan", "Rau an toàn", "Safe vegetables", "rau-cu"),
    ("thuy-san", "Cá & thủy sản", "Fish & seafood", None),
    ("trung-gia-cam", "Trứng & gia cầm", "Eggs & poultry", None),
    ("thit", "Thịt", "Meat", None),
    ("dac-san-che-bien", "Đặc sản chế biến", "Processed specialties", None),
]

COOPERATIVES = [
    {
        "slug": "htx-nong-san-chi-lang",
        "contact_phone": "+84981000001", "contact_email": "nongsanchilang@example.com",
        "name": "HTX Nông sản Chi Lăng",
        "legal_name": "Hợp tác xã Nông sản Chi Lăng",
        "tax_code": "4901234561",
        "status": CooperativeStatus.APPROVED,
        "ward_code": 6463,  # Xã Chi Lăng
        "street_address": "Thôn Đồng Bành",
        "founded_year": 2018,
        "member_count": 27,
        "description": (
            "Hợp tác xã trồng và tiêu thụ na Chi Lăng, mỗi năm đưa 150–200 tấn na "
            "đi nhiều tỉnh thành. Na được trồng trên đất đá vôi, quả to, múi dày, ngọt đậm."
        ),
        "owner": "chilang@example.com",
        "bank_bin": "970436", "bank_account_number": "0011000123456", "bank_account_holder": "HTX NONG SAN CHI LANG",
    },
    {
        "slug": "htx-quang-hong",
        "contact_phone": "+84981000002", "contact_email": "quanghong@example.com",
        "name": "HTX Quảng Hồng",
        "legal_name": "Hợp tác xã Sản xuất và Dịch vụ nông nghiệp Quảng Hồng",
        "tax_code": "4902345673",
        "status": CooperativeStatus.APPROVED,
        "ward_code": 5977,  # Phường Đông Kinh
        "street_address": "Số 12 đường Bà Triệu",
        "founded_year": 2016,
        "member_count": 15,
        "description": (
            "Nuôi ong lấy mật và trồng rau an toàn cho thành phố Lạng Sơn. "
            "Bán hàng qua sàn thương mại điện tử, mạng xã hội và website riêng."
        ),
        "owner": "quanghong@example.com",
        "bank_bin": "970418", "bank_account_number": "21510000456789", "bank_account_holder": "HTX QUANG HONG",
    },
    {
        "slug": "htx-thuy-san-le-hong-phong",
        "contact_phone": "+84981000003", "contact_email": "thuysanlehongphong@example.com",
        "name": "HTX Thủy sản Lê Hồng Phong",
        "legal_name": "Hợp tác xã Thủy sản Lê Hồng Phong",
        "tax_code": "4903456785",
        "status": CooperativeStatus.APPROVED,
        "ward_code": 6325,  # Xã Bắc Sơn
        "street_address": "Thôn Lân Đăm",
        "founded_year": 2019,
        "member_count": 9,
        "description": "Nuôi cá lồng trên lòng hồ, cá sạch, thịt chắc, giao trong ngày.",
        "owner": None,
        "bank_bin": "970405", "bank_account_number": "8800205123456", "bank_account_holder": "HTX THUY SAN LE HONG PHONG",
    },
    {
        "slug": "htx-quoc-khanh",
        "contact_phone": "+84981000004", "contact_email": "quockhanh@example.com",
        "name": "HTX Quốc Khánh",
        "legal_name": "Hợp tác xã Quốc Khánh",
        "tax_code": "4904567897",
        "status": CooperativeStatus.APPROVED,
        "ward_code": 6016,  # Xã Quốc Khánh
        "street_address": "Thôn Nà Lay",
        "founded_year": 2020,
        "member_count": 12,
        "description": "Trang trại vịt đẻ thả ven sông Kỳ Cùng; trứng vịt tươi thu nhặt mỗi sáng.",
        "owner": None,
        "bank_bin": "970422", "bank_account_number": "0901000777888", "bank_account_holder": "HTX QUOC KHANH",
    },
    {
        "slug": "htx-an-hong",
        "contact_phone": "+84981000005", "contact_email": "anhong@example.com",
        "name": "HTX An Hồng",
        "legal_name": "Hợp tác xã Sản xuất và Dịch vụ nông nghiệp An Hồng",
        "tax_code": "4906789126",
        "status": CooperativeStatus.APPROVED,
        "ward_code": 6193,  # Xã Cao Lộc
        "street_address": "Thôn Pò Nghiều",
        "founded_year": 2021,
        "member_count": 8,
        "description": "Chăn nuôi lợn đen và gà đồi, theo dõi đàn vật nuôi bằng camera.",
        "owner": None,
        "bank_bin": "970415", "bank_account_number": "103000999111", "bank_account_holder": "HTX AN HONG",
    },
    {
        "slug": "htx-cuong-thinh",
        "contact_phone": "+84981000006", "contact_email": "cuongthinh@example.com",
        "name": "HTX Cường Thịnh",
        "legal_name": "Hợp tác xã Cường Thịnh",
        "tax_code": "4905678913",
        "status": CooperativeStatus.PENDING,
        "ward_code": 6349,  # Xã Hưng Vũ
        "street_address": "Thôn Mỏ Pia",
        "founded_year": 2015,
        "member_count": 7,
        "description": "Nông sản địa phương bán tại chợ phiên.",
        "owner": None,
        "bank_bin": "970407", "bank_account_number": "19033445566778", "bank_account_holder": "HTX CUONG THINH",
    },
]

NA_SEASON = (7, 8, 9)
WINTER = (10, 11, 12, 1, 2, 3)


@dataclass(frozen=True)
class DemoProduct:
    cooperative: str
    slug: str
    name: str
    category: str
    unit: str
    price: int  # đồng
    stock: int
    description: str
    season: tuple[int, ...] = ()
    sold: int = 0
    origin_ward: int | None = None  # the cooperative's own when None
    certifications: tuple[tuple[CertificationKind, int | None, str, date | None], ...] = ()


PRODUCTS = [
    DemoProduct("htx-nong-san-chi-lang", "na-chi-lang-loai-1", "Na Chi Lăng loại 1", "na", "kg", 85_000, 0,
                "Quả 3–4 quả/kg, mắt na mở đều, hái đúng độ chín.", NA_SEASON, 1_840,
                certifications=((CertificationKind.OCOP, 4, "OCOP-LS-2024-017", date(2027, 6, 30)),
                                (CertificationKind.VIETGAP, None, "VG-2025-0456", date(2027, 12, 31)))),
    DemoProduct("htx-nong-san-chi-lang", "na-chi-lang-hop-qua-3kg", "Na Chi Lăng hộp quà 3 kg", "na", "hộp",
                250_000, 4, "Hộp quà 3 kg na loại 1, lót xốp, thích hợp biếu tặng.", NA_SEASON, 310),
    DemoProduct("htx-nong-san-chi-lang", "na-say-deo-chi-lang", "Na sấy dẻo Chi Lăng 250 g", "dac-san-che-bien",
                "hộp", 90_000, 120, "Na chín sấy dẻo, không đường hóa học.", sold=95,
                certifications=((CertificationKind.OCOP, 3, "OCOP-LS-2023-044", date(2026, 6, 30)),)),
    DemoProduct("htx-nong-san-chi-lang", "hong-vanh-khuyen-van-lang", "Hồng vành khuyên Văn Lãng", "trai-cay",
                "kg", 45_000, 300, "Hồng giòn không hạt, vỏ có vòng xanh như mắt chim vành khuyên.",
                (9, 10, 11), 260, origin_ward=6154),
    DemoProduct("htx-quang-hong", "mat-ong-hoa-rung-500ml", "Mật ong hoa rừng Lạng Sơn 500 ml", "mat-ong", "chai",
                180_000, 80, "Mật ong nguyên chất từ đàn ong nuôi ven rừng, không pha trộn.", sold=520,
                certifications=((CertificationKind.OCOP, 3, "OCOP-LS-2024-102", date(2027, 3, 31)),)),
    DemoProduct("htx-quang-hong", "phan-hoa-ong", "Phấn hoa ong 200 g", "mat-ong", "lọ", 120_000, 35,
                "Phấn hoa ong thu từ vườn cây ăn quả, sấy lạnh.", sold=64),
    DemoProduct("htx-quang-hong", "rau-cai-ngot-an-toan", "Rau cải ngọt an toàn", "rau-an-toan", "bó", 15_000,
                200, "Rau trồng theo quy trình an toàn, hái buổi sáng, bó 500 g.", sold=1_200,
                certifications=((CertificationKind.VIETGAP, None, "VG-2025-0777", date(2027, 5, 31)),)),
    DemoProduct("htx-quang-hong", "dau-dua-an-toan", "Đậu đũa an toàn", "rau-an-toan", "kg", 30_000, 60,
                "Đậu đũa non, trồng không thuốc diệt cỏ.", (4, 5, 6, 7, 8, 9, 10, 11), 300,
                certifications=((CertificationKind.VIETGAP, None, "VG-2025-0778", date(2027, 5, 31)),)),
    DemoProduct("htx-quang-hong", "su-hao-an-toan", "Su hào an toàn", "rau-an-toan", "kg", 20_000, 8,
                "Su hào vụ đông, củ non, giòn ngọt.", WINTER, 410),
    DemoProduct("htx-thuy-san-le-hong-phong", "ca-tram-long", "Cá trắm lồng", "thuy-san", "kg", 120_000, 10,
                "Cá trắm nuôi lồng nước chảy, 2–3 kg/con, làm sạch theo yêu cầu.", sold=150),
    DemoProduct("htx-thuy-san-le-hong-phong", "ca-ro-phi-long", "Cá rô phi lồng", "thuy-san", "kg", 60_000, 70,
                "Cá rô phi nuôi lồng, thịt chắc, không mùi bùn.", sold=230),
    DemoProduct("htx-quoc-khanh", "trung-vit-tuoi", "Trứng vịt tươi", "trung-gia-cam", "khay 10 quả", 45_000, 150,
                "Trứng vịt thả đồng, nhặt trong ngày.", sold=900),
    DemoProduct("htx-quoc-khanh", "trung-vit-muoi", "Trứng vịt muối", "trung-gia-cam", "khay 10 quả", 60_000, 9,
                "Trứng vịt muối tro bếp 30 ngày, lòng đỏ son.", sold=120,
                certifications=((CertificationKind.OCOP, 3, "OCOP-LS-2025-009", date(2028, 1, 31)),)),
    DemoProduct("htx-an-hong", "thit-lon-den", "Thịt lợn đen bản", "thit", "kg", 160_000, 25,
                "Lợn đen nuôi thả, ăn cám ngô và rau rừng.", sold=75),
    DemoProduct("htx-an-hong", "ga-doi-tha-vuon", "Gà đồi thả vườn", "trung-gia-cam", "con", 280_000, 18,
                "Gà đồi nuôi trên 5 tháng, khoảng 1,8–2,2 kg/con, làm sẵn.", sold=140),
    DemoProduct("htx-cuong-thinh", "quyt-vang-bac-son", "Quýt vàng Bắc Sơn", "trai-cay", "kg", 40_000, 100,
                "Quýt vàng vỏ mỏng, ngọt thanh.", (11, 12, 1)),
]


def _get_or_create(model, lookup: dict, values: dict, created: dict[str, int], label: str):
    instance = db.session.scalar(select(model).filter_by(**lookup))
    if instance is None:
        instance = model(**lookup, **values)
        db.session.add(instance)
        db.session.flush()
        created[label] = created.get(label, 0) + 1
    return instance


@write_transaction
def load_demo_data() -> dict[str, int]:
    """Create what is missing of the demo; returns how many rows of each kind were added."""
    created = {"users": 0, "categories": 0, "cooperatives": 0, "products": 0, "applications": 0, "lots": 0,
               "orders": 0}
    password_hash = None
    users = {}
    for email, full_name, phone, is_admin in USERS:
        if db.session.scalar(select(User).filter_by(email=email)) is None:
            password_hash = password_hash or generate_password_hash(DEMO_PASSWORD)
        users[email] = _get_or_create(
            User,
            {"email": email},
            {"full_name": full_name, "phone": phone, "is_admin": is_admin, "password_hash": password_hash},
            created,
            "users",
        )

    categories = {}
    for position, (slug, name_vi, name_en, parent) in enumerate(CATEGORIES):
        categories[slug] = _get_or_create(
            Category,
            {"slug": slug},
            {
                "name_vi": name_vi,
                "name_en": name_en,
                "parent_id": categories[parent].id if parent else None,
                "position": position,
            },
            created,
            "categories",
        )

    cooperatives = {}
    for spec in COOPERATIVES:
        values = {k: v for k, v in spec.items() if k not in {"slug", "owner"}}
        coop = _get_or_create(
            Cooperative, {"slug": spec["slug"]}, {**values, "province_code": LANG_SON}, created, "cooperatives"
        )
        cooperatives[spec["slug"]] = coop
        if spec["owner"] and users[spec["owner"]].membership is None:
            db.session.add(
                CooperativeMember(cooperative=coop, user=users[spec["owner"]], role=MemberRole.OWNER)
            )

    now = utcnow()
    for spec in PRODUCTS:
        coop = cooperatives[spec.cooperative]
        ward = spec.origin_ward or coop.ward_code
        product = _get_or_create(
            Product,
            {"slug": spec.slug},
            {
                "cooperative_id": coop.id,
                "category_id": categories[spec.category].id,
                "name": spec.name,
                "unit": spec.unit,
                "price": spec.price,
                "description": spec.description,
                "status": ProductStatus.PUBLISHED,
                "published_at": now,
                "origin_ward_code": ward,
                "origin_province_code": LANG_SON,
                "season_months": months_mask(spec.season),
                "stock_quantity": spec.stock,
                "sold_count": spec.sold,
            },
            created,
            "products",
        )
        if spec.stock and db.session.scalar(select(StockMovement.id).filter_by(product_id=product.id)) is None:
            db.session.add(StockMovement(product_id=product.id, quantity=spec.stock, reason=MovementReason.HARVEST,
                                         note="demo"))
        if not product.certifications:
            product.certifications = [
                ProductCertification(kind=kind, ocop_stars=stars, certificate_number=number, expires_on=expires)
                for kind, stars, number, expires in spec.certifications
            ]
    db.session.flush()
    reindex_products(products_missing_documents())
    _demo_application(users["applicant@example.com"], created)
    _demo_lot(created)
    _demo_orders(users["buyer@example.com"], created)
    return created


# A harvest lot whose origin page works in the demo: /trace/CATRAM23 (codes avoid 0, 1, I, L, O). With the
# 10 kg above, the fish's stock is 40 kg.
DEMO_LOT = {"code": "CATRAM23", "product": "ca-tram-long", "quantity": 30, "area": "Lồng số 3, sông Kỳ Cùng",
            "practices": "Nuôi bằng cỏ và ngô, không dùng kháng sinh 60 ngày trước thu hoạch.",
            "certification_refs": "VietGAP VG-2025-0789"}


def _demo_lot(created: dict[str, int]) -> None:
    if db.session.scalar(select(Lot.id).filter_by(code=DEMO_LOT["code"])) is not None:
        return
    product = db.session.scalar(select(Product).filter_by(slug=DEMO_LOT["product"]))
    today = vietnam_today()
    lot = Lot(product_id=product.id, code=DEMO_LOT["code"], harvested_on=today - timedelta(days=2),
              best_before=today + timedelta(days=7), area=DEMO_LOT["area"], practices=DEMO_LOT["practices"],
              certification_refs=DEMO_LOT["certification_refs"], quantity=DEMO_LOT["quantity"])
    db.session.add(lot)
    db.session.flush()
    stock.move(product.id, lot.quantity, MovementReason.HARVEST, lot_id=lot.id, reference=lot.code, note="demo")
    created["lots"] = 1


def _demo_application(applicant: User, created: dict[str, int]) -> None:
    if db.session.scalar(select(CooperativeApplication).filter_by(applicant_id=applicant.id)) is not None:
        return
    stored_name = documents.new_stored_name("pdf")
    application = CooperativeApplication(
        applicant_id=applicant.id, status=ApplicationStatus.SUBMITTED, submitted_at=utcnow(), **APPLICATION,
        documents=[ApplicationDocument(kind=DocumentKind.REGISTRATION, original_name="giay-chung-nhan-dang-ky.pdf",
                                       stored_name=stored_name, content_type="application/pdf",
                                       size=len(DEMO_CERTIFICATE))],
    )
    db.session.add(application)
    db.session.flush()
    documents.save(current_app.config["UPLOAD_FOLDER"], stored_name, DEMO_CERTIFICATE)
    created["applications"] = 1


# The demo buyer's orders, so that both sides have something to look at: one from two cooperatives
# waiting for them to confirm, one already on its way. Their checkout tokens make them idempotent.
DEMO_DELIVERY = placement.Delivery(full_name="Nguyễn Thị Mai", phone="+84912000004", email="buyer@example.com",
                                   province_code=LANG_SON, ward_code=6463, address_line="Số 12 đường Lê Lợi",
                                   note="Gọi trước khi giao")
DEMO_ORDERS = [
    ("demo-order-1", {"na-say-deo-chi-lang": 2, "mat-ong-hoa-rung-500ml": 1}, None),
    ("demo-order-2", {"trung-vit-tuoi": 2}, ("Viettel Post", "VTP123456789")),
]


def _demo_orders(buyer: User, created: dict[str, int]) -> None:
    for token, quantities, shipped_with in DEMO_ORDERS:
        if placement.placed_by_token(token) is not None:
            continue
        products = {p.slug: p for p in db.session.scalars(select(Product).where(Product.slug.in_(quantities)))}
        lines = {products[slug].id: (quantity, products[slug].price) for slug, quantity in quantities.items()}
        placed = placement.place_order(placement.Checkout(token, DEMO_DELIVERY, PaymentMethod.COD), lines, buyer)
        created["orders"] += 1
        if shipped_with:
            carrier, tracking_number = shipped_with
            part = db.session.get(Order, placed.id).vendor_orders[0]
            for target in (VendorOrderState.CONFIRMED, VendorOrderState.PACKED, VendorOrderState.SHIPPED):
                fulfilment.change_state(part.id, target, Actor.COOPERATIVE, carrier=carrier,
                                        tracking_number=tracking_number)
