"""Small factories for the main models; each commits so that HTTP requests see the rows."""
from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.models import (
    Category,
    Cooperative,
    CooperativeMember,
    CooperativeStatus,
    MemberRole,
    Product,
    ProductStatus,
    User,
)
from marketplace.orders.models import Order, PaymentMethod
from marketplace.orders.placement import Checkout, Delivery, place_order

DEFAULT_PASSWORD = "hoa-mai-2026"
_sequence = itertools.count(1)
_password_hash = generate_password_hash(DEFAULT_PASSWORD, method="pbkdf2:sha256:1000")


def make_user(email: str | None = None, *, full_name: str = "Trần Văn An", phone: str = "+84912345678",
              is_admin: bool = False, password: str | None = None) -> User:
    n = next(_sequence)
    user = User(
        email=email or f"user{n}@example.com",
        full_name=full_name,
        phone=phone,
        is_admin=is_admin,
        password_hash=generate_password_hash(password) if password else _password_hash,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_cooperative(*, name: str | None = None, status: CooperativeStatus = CooperativeStatus.APPROVED,
                     owner: User | None = None, staff: tuple[User, ...] = ()) -> Cooperative:
    n = next(_sequence)
    coop = Cooperative(
        slug=f"htx-{n}",
        name=name or f"HTX Thử nghiệm {n}",
        legal_name=f"Hợp tác xã Thử nghiệm {n}",
        tax_code=f"49{n:08d}",
        status=status,
        province_code=20,
        ward_code=6463,
        bank_bin="970436",  # Vietcombank: paid by bank transfer
        bank_account_number=f"00110{n:08d}",
        bank_account_holder=f"HTX THU NGHIEM {n}",
    )
    db.session.add(coop)
    if owner:
        db.session.add(CooperativeMember(cooperative=coop, user=owner, role=MemberRole.OWNER))
    for user in staff:
        db.session.add(CooperativeMember(cooperative=coop, user=user, role=MemberRole.STAFF))
    db.session.commit()
    return coop


def make_product(cooperative: Cooperative, *, name: str = "Na Chi Lăng", price: int = 85_000,
                 status: ProductStatus = ProductStatus.PUBLISHED, stock: int = 50) -> Product:
    n = next(_sequence)
    category = db.session.query(Category).filter_by(slug="test-category").one_or_none()
    if category is None:
        category = Category(slug="test-category", name_vi="Trái cây", name_en="Fruit")
        db.session.add(category)
    product = Product(cooperative=cooperative, category=category, slug=f"product-{n}", name=name,
                      unit="kg", price=price, status=status, stock_quantity=stock,
                      origin_ward_code=cooperative.ward_code, origin_province_code=cooperative.province_code,
                      published_at=utcnow() if status == ProductStatus.PUBLISHED else None)
    db.session.add(product)
    db.session.commit()
    return product


def make_delivery(**changes) -> Delivery:
    """A buyer's delivery address in Lạng Sơn."""
    return Delivery(**{"full_name": "Nguyễn Thị Mai", "phone": "+84912345678", "province_code": 20, "ward_code": 6463,
                       "address_line": "12 Lê Lợi", **changes})


def make_order(*products: Product, quantity: int = 1, buyer: User | None = None,
               method: PaymentMethod = PaymentMethod.COD, **delivery) -> Order:
    """An order of `quantity` of each product, placed by orders.placement (cash on delivery unless
    another `method`: its parts then wait for the payment)."""
    checkout = Checkout(token=f"test-checkout-{next(_sequence)}", delivery=make_delivery(**delivery),
                        payment_method=method)
    placed = place_order(checkout, {product.id: (quantity, product.price) for product in products}, buyer)
    return db.session.get(Order, placed.id)


def valid_tax_code(n: int) -> str:
    """A tax code with a correct check digit, different for each n."""
    from marketplace.common.taxcode import check_digit

    for first_nine in (f"48{(n * 7 + k) % 10_000_000:07d}" for k in range(20)):
        digit = check_digit(first_nine)
        if digit is not None:
            return first_nine + str(digit)
    raise AssertionError("no valid tax code found")
