"""A synthetic catalog at Lạng Sơn's real scale (453 cooperatives), for the catalog benchmark.

Deterministic (seeded): the same size gives the same rows. Names are built from real
Lạng Sơn products and real commune/ward names so that search terms hit realistic
fractions of the catalog. About 5% of cooperatives are not approved and 5% of products
are drafts, so the visibility rules cost what they cost in production.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select, update
from vietnam_provinces import Ward

from marketplace.catalog.models import VALID_UNTIL
from marketplace.catalog.search import reindex_products
from marketplace.database import utcnow
from marketplace.demo import load_demo_data
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.models import (Category, CertificationKind, Cooperative, CooperativeStatus, Product,
                                ProductCertification, ProductStatus)

LANG_SON = 20
COOPERATIVES = 453
SEED = 2026

# (name, category slug, unit, typical price in đồng)
PRODUCTS = [
    ("Na Chi Lăng", "na", "kg", 80_000), ("Na sấy dẻo", "dac-san-che-bien", "hộp", 90_000),
    ("Mật ong hoa rừng", "mat-ong", "chai", 180_000), ("Mật ong bạc hà", "mat-ong", "chai", 220_000),
    ("Phấn hoa ong", "mat-ong", "lọ", 120_000), ("Rau cải ngọt", "rau-an-toan", "bó", 15_000),
    ("Đậu đũa", "rau-an-toan", "kg", 30_000), ("Su hào", "rau-an-toan", "kg", 20_000),
    ("Măng tre", "rau-cu", "kg", 35_000), ("Khoai môn", "rau-cu", "kg", 40_000),
    ("Cá trắm lồng", "thuy-san", "kg", 120_000), ("Cá rô phi", "thuy-san", "kg", 60_000),
    ("Trứng vịt", "trung-gia-cam", "khay 10 quả", 45_000), ("Gà đồi", "trung-gia-cam", "con", 280_000),
    ("Vịt cổ xanh", "trung-gia-cam", "con", 250_000), ("Thịt lợn đen", "thit", "kg", 160_000),
    ("Lạp sườn hun khói", "dac-san-che-bien", "kg", 320_000), ("Miến dong", "dac-san-che-bien", "kg", 90_000),
    ("Hoa hồi khô", "dac-san-che-bien", "kg", 150_000), ("Quế thanh", "dac-san-che-bien", "kg", 70_000),
    ("Trà hoa vàng", "dac-san-che-bien", "hộp", 400_000), ("Chè Shan tuyết", "dac-san-che-bien", "gói", 250_000),
    ("Hồng vành khuyên", "trai-cay", "kg", 45_000), ("Quýt vàng", "trai-cay", "kg", 40_000),
    ("Mác mật", "dac-san-che-bien", "kg", 60_000), ("Hạt dẻ Trùng Khánh", "dac-san-che-bien", "kg", 180_000),
    ("Gạo nếp cái hoa vàng", "dac-san-che-bien", "kg", 35_000), ("Thạch đen", "dac-san-che-bien", "kg", 50_000),
]
QUALITIES = ["loại 1", "loại 2", "hữu cơ", "an toàn", "hộp quà", "500 g", "1 kg", "túi 2 kg", "đặc biệt", "vụ mới"]
KINDS = ["Nông sản", "Dịch vụ nông nghiệp", "Chăn nuôi", "Thủy sản", "Dược liệu", "Chè", "Rau an toàn"]
STORY = ("Sản phẩm của bà con xã viên, trồng và chế biến theo quy trình của hợp tác xã, "
         "đóng gói tại chỗ và giao trong ngày ở thành phố Lạng Sơn.")


def generate_catalog(product_count: int, cooperative_count: int = COOPERATIVES) -> None:
    """Fill an empty, migrated database: the demo rows, then synthetic cooperatives and products."""
    rng = random.Random(SEED)
    load_demo_data()
    db.session.commit()
    wards = [(ward.code.value, ward.name) for ward in Ward.iter_by_province(LANG_SON)]
    categories = dict(db.session.execute(select(Category.slug, Category.id)).all())

    coop_rows = []
    for n in range(cooperative_count):
        ward_code, ward = rng.choice(wards)
        status = CooperativeStatus.APPROVED if rng.random() < 0.95 else rng.choice(
            [CooperativeStatus.PENDING, CooperativeStatus.SUSPENDED])
        coop_rows.append({
            "slug": f"bench-htx-{n}", "name": f"HTX {rng.choice(KINDS)} {ward.removeprefix('Xã ')} {n}",
            "legal_name": f"Hợp tác xã {rng.choice(KINDS)} {ward} số {n}", "tax_code": f"48{n:08d}",
            "status": status, "province_code": LANG_SON, "ward_code": ward_code, "street_address": "",
            "founded_year": rng.randint(1995, 2025), "member_count": rng.randint(7, 300), "description": STORY,
            "created_at": utcnow(),
        })
    db.session.execute(insert(Cooperative), coop_rows)
    coop_ids = list(db.session.scalars(select(Cooperative.id).where(Cooperative.slug.like("bench-htx-%"))))

    now, product_rows, certification_rows = utcnow(), [], []
    for n in range(product_count):
        name, category, unit, price = rng.choice(PRODUCTS)
        ward_code, ward = rng.choice(wards)
        published = rng.random() < 0.95
        product_rows.append({
            "cooperative_id": rng.choice(coop_ids), "category_id": categories[category],
            "slug": f"bench-product-{n}", "name": f"{name} {rng.choice(QUALITIES)} {ward.split(' ', 1)[1]}",
            "description": f"{name} của {ward}. {STORY}", "unit": unit,
            "price": max(1_000, round(price * rng.uniform(0.6, 1.6), -3)),
            "status": ProductStatus.PUBLISHED if published else ProductStatus.DRAFT,
            "origin_ward_code": ward_code, "origin_province_code": LANG_SON,
            "season_months": rng.choice([0, 0, 0, 0b000011100000, 0b111000000001]),
            "stock_quantity": rng.choice([0, 3, 8, 20, 50, 120, 400]), "sold_count": rng.randint(0, 2000),
            "created_at": now, "published_at": now - timedelta(minutes=n) if published else None,
        })
    for start in range(0, len(product_rows), 5_000):
        db.session.execute(insert(Product), product_rows[start:start + 5_000])
    stocked = db.session.execute(select(Product.id, Product.stock_quantity, Product.created_at)
                                 .where(Product.slug.like("bench-product-%"), Product.stock_quantity > 0)).all()
    db.session.execute(insert(StockMovement), [
        {"product_id": id_, "quantity": stock, "reason": MovementReason.HARVEST, "reference": "", "note": "bench",
         "created_at": created} for id_, stock, created in stocked])
    product_ids = db.session.scalars(select(Product.id).where(Product.slug.like("bench-product-%")))
    for product_id in product_ids:
        if rng.random() < 0.2:
            kind = rng.choice(list(CertificationKind))
            certification_rows.append({
                "product_id": product_id, "kind": kind,
                "ocop_stars": rng.randint(3, 5) if kind == CertificationKind.OCOP else None,
                "certificate_number": f"CERT-{product_id}", "expires_on": date(2028, 12, 31),
            })
    if certification_rows:
        db.session.execute(insert(ProductCertification), certification_rows)
        # Bulk inserts skip the ORM's flush hook that keeps the products' copy of their validity.
        db.session.execute(update(Product), [{"id": row["product_id"], VALID_UNTIL[row["kind"]]: row["expires_on"]}
                                             for row in certification_rows])
    reindex_products()
    db.session.commit()
