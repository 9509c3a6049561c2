from sqlalchemy import select
from werkzeug.security import check_password_hash

from marketplace.extensions import db
from marketplace.models import AuditEntry, CooperativeStatus, ProductStatus, User

from .factories import make_cooperative, make_product, make_user


def test_create_admin_reads_the_password_from_stdin(runner):
    result = runner.invoke(args=["create-admin", "Chief@Example.com"], input="truong-ban-2026\n")

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).filter_by(email="chief@example.com"))
    assert user.is_admin and check_password_hash(user.password_hash, "truong-ban-2026")


def test_create_admin_promotes_an_existing_account_and_keeps_its_password(runner, buyer):
    old_hash = buyer.password_hash
    result = runner.invoke(args=["create-admin", "mai@example.com"], input="\n")

    assert result.exit_code == 0 and "Promoted" in result.output
    db.session.expire_all()
    user = db.session.get(User, buyer.id)
    assert user.is_admin and user.password_hash == old_hash
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_label, entry.target) == ("account.admin_granted", "command line", "mai@example.com")


def test_create_admin_refuses_weak_or_missing_passwords(runner):
    assert runner.invoke(args=["create-admin", "x@example.com"], input="\n").exit_code != 0
    assert runner.invoke(args=["create-admin", "x@example.com"], input="12345678\n").exit_code != 0
    assert db.session.scalar(select(User)) is None


def test_create_admin_takes_no_password_argument(runner):
    result = runner.invoke(args=["create-admin", "x@example.com", "--password", "secret-pass-1"])
    assert result.exit_code != 0


def test_reindex_search_builds_missing_documents(runner):
    from marketplace.catalog.listing import ProductQuery, find_products
    from marketplace.common.vntime import vietnam_today

    make_product(make_cooperative(), name="Miến dong Bình Liêu")
    assert find_products(ProductQuery(q="mien dong"), vietnam_today()).total == 0

    result = runner.invoke(args=["reindex-search", "--missing-only"])

    assert result.exit_code == 0 and "1 products" in result.output
    assert find_products(ProductQuery(q="mien dong"), vietnam_today()).total == 1


def test_notify_low_stock_emails_each_cooperatives_people_once(runner, outbox):
    owner, staff = make_user(email="chu@example.com"), make_user(email="nv@example.com")
    low = make_cooperative(name="HTX Sắp Hết", owner=owner, staff=(staff,))
    make_product(low, name="Na Chi Lăng", stock=3)
    make_product(low, name="Mật ong", stock=40)
    make_product(low, name="Quýt nháp", stock=0, status=ProductStatus.DRAFT)
    fine = make_cooperative(owner=make_user(email="du@example.com"))
    make_product(fine, name="Gạo nếp", stock=100)
    make_product(make_cooperative(status=CooperativeStatus.PENDING), name="Chè", stock=1)

    result = runner.invoke(args=["notify-low-stock"])

    assert result.exit_code == 0 and "2 people of 1 cooperatives" in result.output
    assert sorted(m["To"] for m in outbox) == ["chu@example.com", "nv@example.com"]
    body = outbox[0].get_content()
    assert "Na Chi Lăng: còn 3" in body and "Mật ong" not in body and "Quýt" not in body
    assert "http://localhost/vendor/products" in body
