"""Applying to sell: drafts, documents checked by content, submitting, and every refusal."""
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    ApplicationDocument,
    ApplicationStatus,
    AuditEntry,
    CooperativeApplication,
)

from ..factories import make_cooperative, make_user, valid_tax_code

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "PNG")
    return buffer.getvalue()


def application_data(**overrides) -> dict:
    data = {
        "legal_name": "Hợp tác xã Nông nghiệp Chi Lăng", "display_name": "HTX Na Chi Lăng",
        "tax_code": valid_tax_code(1), "registration_number": "14G8000123", "registration_date": "2019-05-20",
        "registration_authority": "Phòng Tài chính - Kế hoạch huyện Chi Lăng", "province_code": "20",
        "ward_code": "6463", "street_address": "Thôn Quán Thanh", "representative_name": "Hoàng Văn Bình",
        "representative_title": "Giám đốc", "phone": "0912 345 678", "email": "htx.chilang@example.com",
        "bank_bin": "970405", "bank_account_number": "8888123456789", "bank_account_holder": "HTX NN CHI LANG",
        "founded_year": "2019", "member_count": "42", "main_products": "Na, mật ong",
        "description": "Chúng tôi trồng na trên núi đá vôi.",
    }
    return {**data, **overrides}


@pytest.fixture
def applicant(app, auth):
    user = make_user(email="binh@example.com", full_name="Hoàng Văn Bình")
    auth.login(user.email)
    return user


def upload(client, data: bytes, name: str = "giay-dang-ky.pdf", kind: str = "registration"):
    return client.post("/vendors/apply/documents", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def application_of(user) -> CooperativeApplication | None:
    db.session.expire_all()
    return db.session.scalar(select(CooperativeApplication).where(CooperativeApplication.applicant_id == user.id))


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "documents"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_an_applicant_saves_a_draft_attaches_the_certificate_and_submits(client, app, applicant, outbox):
    page = client.get("/vendors/apply").get_data(as_text=True)
    assert 'name="tax_code"' in page and "Xã Thất Khê" in page  # Lạng Sơn's wards offered first

    response = client.post("/vendors/apply", data={"legal_name": "HTX Chi Lăng", "save": "1"})
    assert response.status_code == 302
    draft = application_of(applicant)
    assert draft.status == ApplicationStatus.DRAFT and draft.legal_name == "HTX Chi Lăng" and draft.tax_code == ""

    before = stored_files(app)
    assert upload(client, PDF).status_code == 302
    document = db.session.scalar(select(ApplicationDocument))
    assert document.content_type == "application/pdf" and document.original_name == "giay-dang-ky.pdf"
    assert stored_files(app) - before == {document.stored_name}  # a random name, not the uploaded one
    assert upload(client, png_bytes(), "chung-nhan.png", "certification").status_code == 302

    response = client.post("/vendors/apply", data=application_data(submit="1"))
    assert response.status_code == 302
    submitted = application_of(applicant)
    assert submitted.status == ApplicationStatus.SUBMITTED and submitted.submitted_at is not None
    assert submitted.phone == "+84912345678" and submitted.ward_code == 6463 and len(submitted.documents) == 2
    assert outbox[-1]["To"] == "binh@example.com" and "Chúng tôi đã nhận" in outbox[-1].get_content()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "application.submitted"))
    assert entry.actor_id == applicant.id and entry.ip_address == "127.0.0.1"

    page = client.get("/vendors/apply").get_data(as_text=True)
    assert "Đã nộp, chờ xét duyệt" in page and 'name="legal_name"' not in page  # no editing under review
    response = client.post("/vendors/apply", data=application_data(legal_name="Đổi tên", save="1"))
    assert response.status_code == 422 and "không thể thay đổi" in response.get_data(as_text=True)
    assert application_of(applicant).legal_name == "Hợp tác xã Nông nghiệp Chi Lăng"


def test_submitting_needs_every_field_and_the_registration_certificate(client, applicant):
    response = client.post("/vendors/apply", data={"legal_name": "HTX Chi Lăng", "submit": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.count("Vui lòng điền vào ô này.") >= 10
    assert 'value="HTX Chi Lăng"' in page and application_of(applicant) is None

    response = client.post("/vendors/apply", data=application_data(submit="1"))
    assert response.status_code == 422 and "giấy chứng nhận đăng ký" in response.get_data(as_text=True)
    assert application_of(applicant) is None  # nothing half-saved


@pytest.mark.parametrize("field, value, message", [
    ("tax_code", "490123456", "mã số thuế không hợp lệ"),
    ("tax_code", "4901234562", "mã số thuế không hợp lệ"),  # wrong check digit
    ("tax_code", "49O1234561", "mã số thuế không hợp lệ"),
    ("registration_date", "2099-01-01", "không thể ở tương lai"),
    ("ward_code", "26734", "xã hoặc phường của tỉnh đã chọn"),  # a ward of Hà Nội with Lạng Sơn
    ("bank_account_number", "12345ABC", "chỉ gồm chữ số"),
    ("bank_bin", "123456", "Chọn ngân hàng trong danh sách"),
    ("phone", "12345", "số điện thoại di động Việt Nam"),
    ("founded_year", "1800", "Nhập năm từ 1945"),
    ("email", "not-an-email", "địa chỉ email hợp lệ"),
])
def test_bad_input_gets_a_message_on_its_field_and_keeps_the_rest(client, applicant, field, value, message):
    response = client.post("/vendors/apply", data=application_data(**{field: value}, save="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'value="Hợp tác xã Nông nghiệp Chi Lăng"' in page  # what was typed is kept
    assert application_of(applicant) is None


def test_documents_are_checked_by_their_content(client, app, applicant):
    before = stored_files(app)
    for data, name in ((b"MZ\x90\x00" + b"\x00" * 200, "giay-dang-ky.pdf"),  # an executable named .pdf
                       (b"%PDF-1.4 but cut short", "cut.pdf"),
                       (png_bytes()[:40], "broken.png")):
        response = upload(client, data, name)
        assert response.status_code == 422, name
        assert "không phải tài liệu PDF, JPEG hoặc PNG" in response.get_data(as_text=True)
    response = upload(client, PDF + b"0" * (5 * 1024 * 1024), "big.pdf")
    assert response.status_code == 422 and "lớn hơn 5 MB" in response.get_data(as_text=True)
    response = client.post("/vendors/apply/documents", data={"kind": "registration"},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Chọn một tệp" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApplicationDocument.id))) == 0 and stored_files(app) == before


def test_a_tax_code_in_use_is_refused(client, app, applicant):
    taken = make_cooperative()
    taken.tax_code = valid_tax_code(3)
    db.session.commit()
    response = client.post("/vendors/apply", data=application_data(tax_code=taken.tax_code, save="1"))
    assert response.status_code == 422 and "đã được dùng" in response.get_data(as_text=True)

    other = make_user()
    db.session.add(CooperativeApplication(applicant_id=other.id, tax_code=valid_tax_code(2),
                                          status=ApplicationStatus.SUBMITTED))
    db.session.commit()
    response = client.post("/vendors/apply", data=application_data(tax_code=valid_tax_code(2), save="1"))
    assert response.status_code == 422 and "đã được dùng" in response.get_data(as_text=True)
    assert application_of(applicant) is None


def test_one_open_application_per_user(client, applicant):
    client.post("/vendors/apply", data={"legal_name": "Một", "save": "1"})
    client.post("/vendors/apply", data={"legal_name": "Hai", "save": "1"})
    rows = db.session.scalars(select(CooperativeApplication)).all()
    assert [r.legal_name for r in rows] == ["Hai"]


def test_a_cooperative_member_does_not_apply_again(client, auth):
    owner = make_user()
    make_cooperative(owner=owner)
    auth.login(owner.email)
    assert client.get("/vendors/apply").headers["Location"].endswith("/vendor")


def test_documents_are_served_only_to_the_applicant_and_admins(client, app, auth, applicant, admin):
    upload(client, PDF)
    document = db.session.scalar(select(ApplicationDocument))
    url = f"/vendors/documents/{document.id}"
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]

    auth.logout()
    assert client.get(url).status_code == 302  # to the login page
    stranger = make_user()
    auth.login(stranger.email)
    assert client.get(url).status_code == 404
    assert client.post(f"/vendors/apply/documents/{document.id}/delete").status_code == 404
    assert client.get(f"/vendors/documents/{document.id + 1000}").status_code == 404
    auth.logout()
    auth.login(admin.email)
    assert client.get(url).status_code == 200


def test_a_draft_document_can_be_removed(client, app, applicant):
    upload(client, PDF)
    document = db.session.scalar(select(ApplicationDocument))
    stored_name = document.stored_name
    assert stored_name in stored_files(app)
    assert client.post(f"/vendors/apply/documents/{document.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(ApplicationDocument.id))) == 0
    assert stored_name not in stored_files(app)


def test_drafts_without_a_tax_code_do_not_collide(client, auth, applicant):
    assert upload(client, PDF).status_code == 302
    auth.logout()
    auth.login(make_user().email)
    assert upload(client, PDF).status_code == 302
    assert db.session.scalar(select(func.count(CooperativeApplication.id))) == 2
