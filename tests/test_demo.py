from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from marketplace.common.places import ward_in_province
from marketplace.common.taxcode import is_valid_tax_code
from marketplace.demo import DEMO_PASSWORD, LANG_SON, load_demo_data
from marketplace.extensions import db
from marketplace.inventory.stock import movements_total
from marketplace.models import (
    ApplicationStatus,
    Category,
    Cooperative,
    CooperativeApplication,
    CooperativeMember,
    CooperativeStatus,
    Product,
    User,
)


def _snapshot():
    return {
        model.__tablename__: sorted(
            tuple(str(getattr(row, c.key)) for c in model.__table__.columns)
            for row in db.session.scalars(select(model))
        )
        for model in (User, Category, Cooperative, CooperativeMember, Product)
    }


def test_seed_demo_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    before = _snapshot()

    second = runner.invoke(args=["seed-demo"])

    assert second.exit_code == 0 and "0 new users" in second.output
    db.session.expire_all()
    assert _snapshot() == before


def test_demo_accounts_log_in_with_the_documented_password(app, client):
    load_demo_data()
    for email in ("admin@example.com", "chilang@example.com", "quanghong@example.com", "buyer@example.com"):
        user = db.session.scalar(select(User).filter_by(email=email))
        assert check_password_hash(user.password_hash, DEMO_PASSWORD), email
    assert db.session.scalar(select(User.is_admin).filter_by(email="admin@example.com"))
    client.post("/account/login", data={"email": "chilang@example.com", "password": DEMO_PASSWORD})
    assert "HTX Nông sản Chi Lăng" in client.get("/vendor").get_data(as_text=True)


def test_demo_cooperatives_are_real_places_with_valid_tax_codes(app):
    load_demo_data()
    coops = db.session.scalars(select(Cooperative)).all()
    assert {c.name for c in coops} >= {"HTX Nông sản Chi Lăng", "HTX Quảng Hồng", "HTX Thủy sản Lê Hồng Phong",
                                       "HTX Quốc Khánh", "HTX Cường Thịnh"}
    for coop in coops:
        assert is_valid_tax_code(coop.tax_code), coop.tax_code
        assert coop.province_code == LANG_SON and ward_in_province(coop.ward_code, LANG_SON), coop.name
    pending = [c.name for c in coops if c.status == CooperativeStatus.PENDING]
    assert pending == ["HTX Cường Thịnh"]
    assert db.session.scalar(select(func.min(Product.price))) >= 1_000


def test_home_page_shows_approved_cooperatives_and_their_products(app, client):
    load_demo_data()
    page = client.get("/").get_data(as_text=True)
    assert "HTX Nông sản Chi Lăng" in page and "Xã Chi Lăng, Lạng Sơn" in page
    assert "Na Chi Lăng loại 1" in page and "85.000\xa0₫" in page
    assert "HTX Cường Thịnh" not in page  # still waiting for approval


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, runner, buyer):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count(Cooperative.id))) == 0


def test_seed_demo_refuses_production_unless_asked(make_app):
    app = make_app(MARKETPLACE_ENV="production")
    refused = app.test_cli_runner().invoke(args=["seed-demo"])
    assert refused.exit_code != 0 and "production" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
    allowed = app.test_cli_runner().invoke(args=["seed-demo", "--allow-production"])
    assert allowed.exit_code == 0, allowed.output


def test_the_demo_has_an_application_to_review_and_a_traceable_lot(app, client):
    load_demo_data()
    application = db.session.scalar(select(CooperativeApplication))
    assert application.status == ApplicationStatus.SUBMITTED and len(application.documents) == 1
    page = client.get("/trace/catram23").get_data(as_text=True)
    assert "Cá trắm lồng" in page and "Lồng số 3, sông Kỳ Cùng" in page
    for product in db.session.scalars(select(Product)):
        assert product.stock_quantity == movements_total(product.id), product.slug
