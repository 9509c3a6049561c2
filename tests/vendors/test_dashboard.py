from marketplace.models import CooperativeStatus, ProductStatus

from ..factories import make_cooperative, make_product, make_user


def test_owner_sees_own_cooperative_status_role_and_product_counts(client, auth):
    owner = make_user(email="owner@example.com")
    coop = make_cooperative(name="HTX Na Ngon", owner=owner)
    make_product(coop)
    make_product(coop, status=ProductStatus.DRAFT)
    other = make_cooperative(name="HTX Khác")
    make_product(other)
    auth.login("owner@example.com")

    page = client.get("/vendor").get_data(as_text=True)

    assert "HTX Na Ngon" in page and "HTX Khác" not in page
    assert "Chủ sở hữu" in page
    assert "Đang bán</span> <strong>1</strong>" in page
    assert "Bản nháp</span> <strong>1</strong>" in page


def test_pending_cooperative_staff_are_told_it_is_under_review(client, auth):
    staff = make_user(email="staff@example.com")
    make_cooperative(status=CooperativeStatus.PENDING, staff=(staff,))
    auth.login("staff@example.com")

    page = client.get("/vendor").get_data(as_text=True)

    assert "Chờ duyệt" in page and "Nhân viên" in page
