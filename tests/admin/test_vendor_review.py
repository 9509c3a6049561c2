"""Admins review applications (approve, reject, request changes) and suspend or reinstate cooperatives."""
import pytest
from sqlalchemy import select

from marketplace.catalog.search import reindex_products
from marketplace.extensions import db
from marketplace.models import (
    ApplicationStatus,
    AuditEntry,
    Cooperative,
    CooperativeApplication,
    CooperativeStatus,
    MemberRole,
    User,
)

from ..factories import make_cooperative, make_product, make_user, valid_tax_code
from ..vendors.test_applications import PDF, application_data, upload


@pytest.fixture
def submitted(client, auth, app):
    """An application submitted through the pages by Hoàng Văn Bình, who is then logged out."""
    applicant = make_user(email="binh@example.com", full_name="Hoàng Văn Bình")
    auth.login(applicant.email)
    upload(client, PDF)
    assert client.post("/vendors/apply", data=application_data(submit="1")).status_code == 302
    auth.logout()
    return db.session.scalar(select(CooperativeApplication).where(CooperativeApplication.applicant_id == applicant.id))


@pytest.fixture
def as_admin(auth, admin):
    auth.login(admin.email)
    return admin


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_review_list_has_tabs_by_status_and_finds_by_name_or_tax_code(client, submitted, as_admin):
    page = client.get("/admin/vendors").get_data(as_text=True)
    assert "Hợp tác xã Nông nghiệp Chi Lăng" in page and 'aria-current="page">Đã nộp, chờ xét duyệt' in page
    assert "Chi Lăng" in client.get("/admin/vendors?q=chi+lang").get_data(as_text=True)
    assert "Chi Lăng" in client.get(f"/admin/vendors?q={valid_tax_code(1)}").get_data(as_text=True)
    assert "Chi Lăng" not in client.get("/admin/vendors?q=bac+son").get_data(as_text=True)
    assert "Chi Lăng" not in client.get("/admin/vendors?tab=rejected").get_data(as_text=True)
    suspended = make_cooperative(name="HTX Bị Ngừng", status=CooperativeStatus.SUSPENDED)
    assert suspended.legal_name in client.get("/admin/vendors?tab=suspended").get_data(as_text=True)
    assert client.get("/admin/vendors?tab=nonsense").status_code == 404


def test_approving_creates_the_cooperative_with_the_applicant_as_owner(client, submitted, as_admin, outbox, auth):
    page = client.get(f"/admin/vendors/applications/{submitted.id}").get_data(as_text=True)
    assert "giay-dang-ky.pdf" in page and 'value="htx-na-chi-lang"' in page  # slug suggested from the name

    response = client.post(f"/admin/vendors/applications/{submitted.id}/approve", data={"slug": "htx-na-chi-lang"})
    assert response.status_code == 302
    db.session.expire_all()
    cooperative = db.session.scalar(select(Cooperative).where(Cooperative.slug == "htx-na-chi-lang"))
    assert cooperative.status == CooperativeStatus.APPROVED and cooperative.tax_code == valid_tax_code(1)
    assert cooperative.bank_bin == "970405" and cooperative.contact_phone == "+84912345678"
    applicant = db.session.get(User, submitted.applicant_id)
    assert applicant.membership.cooperative_id == cooperative.id and applicant.membership.role == MemberRole.OWNER
    assert db.session.get(CooperativeApplication, submitted.id).status == ApplicationStatus.APPROVED
    message = outbox[-1]
    assert message["To"] == "binh@example.com" and "đã được duyệt" in message["Subject"]
    assert actions()[-1] == "application.approved"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "application.approved"))
    assert entry.actor_id == as_admin.id and entry.cooperative_id == cooperative.id
    assert client.get("/coops/htx-na-chi-lang").status_code == 200

    auth.logout()
    auth.login("binh@example.com")
    assert client.get("/vendor").status_code == 200  # the owner's dashboard
    document = submitted.documents[0]
    assert client.get(f"/vendors/documents/{document.id}").status_code == 200


def test_a_slug_already_taken_is_refused_on_its_field(client, submitted, as_admin):
    make_cooperative()
    taken = db.session.scalar(select(Cooperative.slug))
    response = client.post(f"/admin/vendors/applications/{submitted.id}/approve", data={"slug": taken})
    assert response.status_code == 422 and "đã dùng địa chỉ này" in response.get_data(as_text=True)
    response = client.post(f"/admin/vendors/applications/{submitted.id}/approve", data={"slug": "Có Dấu"})
    assert response.status_code == 422 and "chữ thường" in response.get_data(as_text=True)
    assert db.session.get(CooperativeApplication, submitted.id).status == ApplicationStatus.SUBMITTED


def test_rejecting_needs_a_reason_which_the_applicant_reads(client, submitted, as_admin, outbox, auth):
    url = f"/admin/vendors/applications/{submitted.id}/reject"
    response = client.post(url, data={"reject-reason": "  "})
    assert response.status_code == 422 and "Vui lòng điền vào ô này." in response.get_data(as_text=True)
    assert client.post(url, data={"reject-reason": "Giấy chứng nhận đã hết hiệu lực."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CooperativeApplication, submitted.id).status == ApplicationStatus.REJECTED
    assert "Giấy chứng nhận đã hết hiệu lực." in outbox[-1].get_content()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "application.rejected"))
    assert entry.details == {"reason": "Giấy chứng nhận đã hết hiệu lực."}
    # deciding twice is refused
    response = client.post(f"/admin/vendors/applications/{submitted.id}/approve", data={"slug": "htx-x"})
    assert response.status_code == 422 and "không còn chờ quyết định" in response.get_data(as_text=True)

    auth.logout()
    auth.login("binh@example.com")
    page = client.get("/vendors/apply").get_data(as_text=True)
    assert "Bị từ chối" in page and "Giấy chứng nhận đã hết hiệu lực." in page
    # a new application may reuse the tax code of a rejected one
    upload(client, PDF)
    assert client.post("/vendors/apply", data=application_data(submit="1")).status_code == 302


def test_requested_changes_let_the_applicant_edit_and_submit_again(client, submitted, as_admin, auth, outbox):
    url = f"/admin/vendors/applications/{submitted.id}/request-changes"
    assert client.post(url, data={"changes-reason": "Bổ sung số thành viên chính xác."}).status_code == 302
    assert "Bổ sung số thành viên chính xác." in outbox[-1].get_content()
    auth.logout()
    auth.login("binh@example.com")
    page = client.get("/vendors/apply").get_data(as_text=True)
    assert "Cần bổ sung" in page and "Bổ sung số thành viên chính xác." in page and 'name="member_count"' in page
    assert client.post("/vendors/apply", data=application_data(member_count="45", submit="1")).status_code == 302
    db.session.expire_all()
    application = db.session.get(CooperativeApplication, submitted.id)
    assert application.status == ApplicationStatus.SUBMITTED and application.member_count == 45
    assert actions().count("application.submitted") == 2


def test_suspending_hides_the_products_at_once_and_reinstating_brings_them_back(client, app, as_admin):
    cooperative = make_cooperative(name="HTX Mật Ong Bắc Sơn")
    make_product(cooperative, name="Mật ong bạc hà")
    reindex_products()
    db.session.commit()
    assert "Mật ong bạc hà" in client.get("/products?q=mat+ong").get_data(as_text=True)

    url = f"/admin/vendors/coops/{cooperative.id}"
    response = client.post(f"{url}/suspend", data={"reason": ""})
    assert response.status_code == 422
    assert client.post(f"{url}/suspend", data={"reason": "Bán hàng giả."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cooperative, cooperative.id).status == CooperativeStatus.SUSPENDED
    assert "Mật ong bạc hà" not in client.get("/products?q=mat+ong").get_data(as_text=True)
    assert client.get(f"/api/v1/coops/{cooperative.slug}").status_code == 404
    assert "Bán hàng giả." in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/suspend", data={"reason": "Lần nữa."})
    assert response.status_code == 422 and "đang hoạt động" in response.get_data(as_text=True)

    assert client.post(f"{url}/reinstate", data={"reason": "Đã xác minh."}).status_code == 302
    assert "Mật ong bạc hà" in client.get("/products?q=mat+ong").get_data(as_text=True)
    assert actions()[-2:] == ["cooperative.suspended", "cooperative.reinstated"]


def test_unknown_ids_answer_404(client, as_admin):
    assert client.get("/admin/vendors/applications/999").status_code == 404
    assert client.post("/admin/vendors/applications/999/approve", data={"slug": "x"}).status_code == 404
    assert client.get("/admin/vendors/coops/999").status_code == 404
    assert client.post("/admin/vendors/coops/999/suspend", data={"reason": "x"}).status_code == 404


def test_non_admins_get_403_on_every_review_url(client, auth, submitted):
    user = make_user()
    auth.login(user.email)
    for method, url in (("get", "/admin/vendors"), ("get", f"/admin/vendors/applications/{submitted.id}"),
                        ("post", f"/admin/vendors/applications/{submitted.id}/approve")):
        assert getattr(client, method)(url).status_code == 403, url
