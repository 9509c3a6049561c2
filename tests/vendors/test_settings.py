"""Cooperative settings: the owner's profile with logo and cover, shipping fees, and a bank account
change that waits for an admin; every refusal keeps the form and stores nothing."""
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AuditEntry, Cooperative, CooperativeStatus
from marketplace.vendors.shipping import ShippingRates, shipping_fee

from ..factories import make_cooperative, make_user

SETTINGS_URLS = ("/vendor/settings/profile", "/vendor/settings/shipping", "/vendor/settings/bank")
GPS_IFD, ORIENTATION = 0x8825, 0x0112


@pytest.fixture
def app(make_app, tmp_path):
    """An upload folder of the test's own, so that the files a test leaves are exactly its own."""
    app = make_app(UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with app.app_context():
        yield app


@pytest.fixture
def owner(app):
    return make_user(email="binh@example.com", full_name="Hoàng Văn Bình")


@pytest.fixture
def cooperative(owner):
    cooperative = make_cooperative(name="HTX Na Chi Lăng", owner=owner)
    cooperative.bank_bin, cooperative.bank_account_number = "970405", "8888123456789"
    cooperative.bank_account_holder = "HTX NN CHI LANG"
    db.session.commit()
    return cooperative


@pytest.fixture
def as_owner(auth, owner, cooperative):
    auth.login(owner.email)
    return owner


def reloaded(cooperative) -> Cooperative:
    db.session.expire_all()
    return db.session.get(Cooperative, cooperative.id)


def actions() -> list[str]:
    """The audit log's actions, logins left out."""
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.not_like("account.%"))
                                   .order_by(AuditEntry.id)))


def stored_images(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "images"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def photo_with_gps(size=(300, 200)) -> bytes:
    """A JPEG as a phone takes it: turned sideways (EXIF orientation 6), with where it was taken."""
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (21.0, 50.0, 30.0), 3: "E", 4: (106.0, 45.0, 10.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the position really is in it
    return data


def png_bytes(size=(40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


def profile_data(**overrides) -> dict:
    data = {"description": "Chúng tôi trồng na trên núi đá vôi.", "contact_phone": "0912 345 678",
            "contact_email": "htx.chilang@example.com", "founded_year": "2019", "member_count": "42"}
    return {**data, **overrides}


def post_profile(client, data: dict, **files):
    form = {**data, **{kind: (io.BytesIO(content), name) for kind, (content, name) in files.items()}}
    return client.post("/vendor/settings/profile", data=form, content_type="multipart/form-data")


def image_urls(page: str, stored_name: str) -> list[str]:
    return sorted({part.split('"')[0].split(" ")[0] for part in page.split("/images/coops/")[1:]
                   if part.startswith(stored_name)})


# Profile and images

def test_the_owner_updates_the_profile_and_the_photo_comes_back_as_webp_without_exif(client, app, as_owner,
                                                                                     cooperative):
    page = client.get("/vendor/settings/profile").get_data(as_text=True)
    assert 'name="description"' in page and 'enctype="multipart/form-data"' in page

    response = post_profile(client, profile_data(), logo=(photo_with_gps(), "logo.jpg"),
                            cover=(photo_with_gps((2400, 1200)), "dong-na.jpg"))
    assert response.status_code == 302
    saved = reloaded(cooperative)
    assert saved.contact_phone == "+84912345678" and saved.founded_year == 2019 and saved.member_count == 42
    assert saved.description == "Chúng tôi trồng na trên núi đá vôi." and len(saved.logo_image) == 32
    assert stored_images(app) == {f"{saved.logo_image}-160.webp", f"{saved.logo_image}-320.webp",
                                  f"{saved.cover_image}-800.webp", f"{saved.cover_image}-1600.webp"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cooperative.profile_updated"))
    assert entry.actor_id == as_owner.id and entry.cooperative_id == cooperative.id
    assert "logo_image" in entry.details["changed"] and "contact_phone" in entry.details["changed"]

    page = client.get("/vendor/settings/profile").get_data(as_text=True)
    assert image_urls(page, saved.logo_image) == [f"{saved.logo_image}-160.webp", f"{saved.logo_image}-320.webp"]
    anonymous = app.test_client()  # anyone may see the images of an approved cooperative
    response = anonymous.get(f"/images/coops/{saved.logo_image}-160.webp")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert "immutable" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "WEBP" and image.size == (107, 160)  # turned upright, scaled to fit 160 px
    assert not image.getexif() and not {"exif", "xmp", "icc_profile"} & image.info.keys()
    assert b"Exif" not in response.data
    cover = Image.open(io.BytesIO(anonymous.get(f"/images/coops/{saved.cover_image}-1600.webp").data))
    assert cover.size == (800, 1600)


def test_small_images_are_never_upscaled(client, as_owner, cooperative):
    assert post_profile(client, profile_data(), cover=(png_bytes((500, 250)), "cover.png")).status_code == 302
    name = reloaded(cooperative).cover_image
    for width in (800, 1600):
        assert Image.open(io.BytesIO(client.get(f"/images/coops/{name}-{width}.webp").data)).size == (500, 250)


def test_a_replaced_or_removed_image_leaves_no_file_behind(client, app, as_owner, cooperative):
    post_profile(client, profile_data(), logo=(png_bytes(), "a.png"))
    first = reloaded(cooperative).logo_image
    post_profile(client, profile_data(), logo=(png_bytes((60, 60)), "b.png"))
    second = reloaded(cooperative).logo_image
    assert stored_images(app) == {f"{second}-160.webp", f"{second}-320.webp"}
    assert client.get(f"/images/coops/{first}-160.webp").status_code == 404

    assert post_profile(client, profile_data(remove_logo="y")).status_code == 302
    assert reloaded(cooperative).logo_image == "" and stored_images(app) == set()


FAKE_IMAGES = {  # made when a test asks, not when the tests are collected
    "pdf": lambda: (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "logo.png"),
    "executable": lambda: (b"MZ\x90\x00" + b"\x00" * 400, "logo.png"),
    "gif": lambda: (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "logo.gif"),
    "truncated jpeg": lambda: (photo_with_gps()[:300], "logo.jpg"),
    "too large": lambda: (photo_with_gps() + b"\x00" * (8 * 1024 * 1024), "logo.jpg"),
    "decompression bomb": lambda: (png_bytes((10_000, 10_000), "1"), "logo.png"),  # 100 megapixels in 12 KB
}


@pytest.mark.parametrize("kind", sorted(FAKE_IMAGES))
def test_a_file_that_is_no_acceptable_image_is_refused_on_its_field(client, app, as_owner, cooperative, kind):
    data, name = FAKE_IMAGES[kind]()
    response = post_profile(client, profile_data(description="Một câu chuyện mới."), logo=(data, name),
                            cover=(png_bytes(), "cover.png"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="logo-error"' in page and 'id="cover-error"' not in page
    assert "Một câu chuyện mới." in page  # what was typed is kept
    saved = reloaded(cooperative)
    assert saved.logo_image == saved.cover_image == "" and saved.description == ""  # nothing half-done
    assert stored_images(app) == set() and "cooperative.profile_updated" not in actions()  # not even the cover


@pytest.mark.parametrize("field, value, message", [
    ("contact_phone", "12345", "số điện thoại di động Việt Nam"),
    ("contact_email", "not-an-email", "địa chỉ email hợp lệ"),
    ("founded_year", "1800", "Nhập năm từ 1945"),
    ("founded_year", "năm 2019", None),
    ("member_count", "0", "Nhập số thành viên từ 1"),
    ("member_count", "bốn mươi", None),
])
def test_bad_profile_input_gets_a_message_on_its_field(client, as_owner, cooperative, field, value, message):
    response = post_profile(client, profile_data(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="{field}-error"' in page and page.count('class="error"') == 1
    assert message is None or message in page
    assert value in page and ('value="htx.chilang@example.com"' in page or field == "contact_email")
    saved = reloaded(cooperative)
    assert saved.description == "" and saved.contact_phone == ""


# Shipping

def test_the_owner_sets_shipping_fees_and_sees_what_buyers_pay(client, as_owner, cooperative):
    assert 'name="shipping_flat_fee"' in client.get("/vendor/settings/shipping").get_data(as_text=True)
    response = client.post("/vendor/settings/shipping", data={
        "shipping_flat_fee": "20.000", "shipping_fee_per_kg": "5000", "free_shipping_threshold": "500 000",
        "in_province_flat_fee": "10000", "in_province_fee_per_kg": ""})
    assert response.status_code == 302
    saved = reloaded(cooperative)
    assert (saved.shipping_flat_fee, saved.shipping_fee_per_kg, saved.free_shipping_threshold,
            saved.in_province_flat_fee, saved.in_province_fee_per_kg) == (20_000, 5_000, 500_000, 10_000, None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cooperative.shipping_updated"))
    assert entry.details["shipping_flat_fee"] == [0, 20_000] and "in_province_fee_per_kg" not in entry.details
    page = client.get("/vendor/settings/shipping").get_data(as_text=True)
    assert 'value="20000"' in page
    # 2.5 kg is 3 started kilograms: 10.000 + 3 × 5.000 in the province, 20.000 + 3 × 5.000 elsewhere
    assert "25.000" in page and "35.000" in page


@pytest.mark.parametrize("field, value", [
    ("shipping_flat_fee", "hai mươi nghìn"),
    ("shipping_flat_fee", "-5000"),
    ("shipping_flat_fee", ""),
    ("shipping_fee_per_kg", "5,5"),
    ("shipping_fee_per_kg", "99999999999"),
    ("free_shipping_threshold", "1e9"),
    ("in_province_flat_fee", "-1"),
])
def test_bad_fees_get_a_message_on_their_field_and_store_nothing(client, as_owner, cooperative, field, value):
    data = {"shipping_flat_fee": "20000", "shipping_fee_per_kg": "5000", "free_shipping_threshold": "",
            "in_province_flat_fee": "12345", "in_province_fee_per_kg": "", field: value}
    response = client.post("/vendor/settings/shipping", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="{field}-error"' in page and page.count('class="error"') == 1
    assert f'value="{value}"' in page and ('value="12345"' in page or field == "in_province_flat_fee")
    saved = reloaded(cooperative)
    assert saved.shipping_flat_fee == 0 and saved.in_province_flat_fee is None
    assert "cooperative.shipping_updated" not in actions()


def test_shipping_fee_counts_started_kilograms_and_the_province_and_free_shipping():
    rates = ShippingRates(flat_fee=20_000, fee_per_kg=5_000, free_shipping_threshold=500_000,
                          in_province_flat_fee=10_000)
    assert shipping_fee(rates, 1000, 100_000, in_province=False) == 25_000
    assert shipping_fee(rates, 1001, 100_000, in_province=False) == 30_000
    assert shipping_fee(rates, 1001, 100_000, in_province=True) == 20_000  # its own per-kg fee is unset
    assert shipping_fee(rates, 0, 100_000, in_province=False) == 20_000
    assert shipping_fee(rates, 9000, 500_000, in_province=False) == 0
    assert shipping_fee(ShippingRates(flat_fee=20_000, fee_per_kg=0), 9000, 10**9, False) == 20_000


# Bank account

def bank_data(**overrides) -> dict:
    return {"bank_bin": "970436", "bank_account_number": "0011 0022 3344", "bank_account_holder": "HTX NA CHI LANG",
            **overrides}


def admin_decision_data(cooperative, prefix: str, **extra) -> dict:
    return {f"{prefix}-bank_bin": cooperative.pending_bank_bin,
            f"{prefix}-account_number": cooperative.pending_bank_account_number,
            f"{prefix}-holder": cooperative.pending_bank_account_holder,
            **{f"{prefix}-{name}": value for name, value in extra.items()}}


def test_a_bank_change_stays_pending_until_an_admin_verifies_it(client, auth, as_owner, cooperative, admin):
    assert client.post("/vendor/settings/bank", data=bank_data()).status_code == 302
    pending = reloaded(cooperative)
    assert (pending.bank_bin, pending.bank_account_number) == ("970405", "8888123456789")  # payouts unchanged
    assert (pending.pending_bank_bin, pending.pending_bank_account_number) == ("970436", "001100223344")
    assert pending.pending_bank_requested_at is not None
    page = client.get("/vendor/settings/bank").get_data(as_text=True)
    notice = page.split('class="notice" role="status"')[1].split("</div>")[0]
    assert "001100223344" in notice and "Vietcombank" in notice
    assert "8888123456789" in page.split('class="notice"')[0]  # still shown as where payouts go
    assert actions() == ["bank.change_requested"]

    auth.logout()
    auth.login(admin.email)
    url = f"/admin/vendors/coops/{cooperative.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/bank/verify"' in page and f'action="{url}/bank/reject"' in page
    assert 'value="001100223344"' in page
    assert client.post(f"{url}/bank/verify", data=admin_decision_data(pending, "bank-verify")).status_code == 302
    verified = reloaded(cooperative)
    assert (verified.bank_bin, verified.bank_account_number, verified.bank_account_holder) == (
        "970436", "001100223344", "HTX NA CHI LANG")
    assert verified.pending_bank_account_number == "" and verified.pending_bank_requested_at is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bank.change_verified"))
    assert entry.actor_id == admin.id and entry.details["previous"]["account_number"] == "8888123456789"
    assert 'action="{url}/bank/verify"' not in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/bank/verify", data=admin_decision_data(pending, "bank-verify"))
    assert response.status_code == 422  # nothing is pending any more


def test_rejecting_a_bank_change_needs_a_reason_and_keeps_the_account(client, auth, as_owner, cooperative, admin):
    client.post("/vendor/settings/bank", data=bank_data())
    pending = reloaded(cooperative)
    auth.logout()
    auth.login(admin.email)
    url = f"/admin/vendors/coops/{cooperative.id}/bank/reject"
    response = client.post(url, data=admin_decision_data(pending, "bank-reject", reason="  "))
    assert response.status_code == 422 and "Vui lòng điền vào ô này." in response.get_data(as_text=True)
    assert reloaded(cooperative).pending_bank_account_number == "001100223344"

    reason = "Chủ HTX xác nhận qua điện thoại là không yêu cầu đổi."
    assert client.post(url, data=admin_decision_data(pending, "bank-reject", reason=reason)).status_code == 302
    rejected = reloaded(cooperative)
    assert rejected.bank_account_number == "8888123456789" and rejected.pending_bank_account_number == ""
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bank.change_rejected"))
    assert entry.details["reason"] == reason and entry.details["rejected"]["account_number"] == "001100223344"


def test_the_owner_is_emailed_at_each_step_of_a_bank_change(client, auth, as_owner, cooperative, admin, outbox):
    client.post("/vendor/settings/bank", data=bank_data())
    requested = outbox[-1]
    assert requested["To"] == as_owner.email and "Vietcombank 001100223344" in requested.get_content()
    assert "đổi mật khẩu ngay" in requested.get_content()  # a request they did not make: a stolen login
    pending = reloaded(cooperative)
    auth.logout()
    auth.login(admin.email)
    url = f"/admin/vendors/coops/{cooperative.id}/bank"
    client.post(f"{url}/reject", data=admin_decision_data(pending, "bank-reject", reason="Không xác minh được."))
    assert outbox[-1]["To"] == as_owner.email and "Không xác minh được." in outbox[-1].get_content()


def test_an_admin_decides_only_on_the_account_they_saw(client, auth, as_owner, cooperative, admin):
    client.post("/vendor/settings/bank", data=bank_data())
    seen = reloaded(cooperative)
    seen_data = admin_decision_data(seen, "bank-verify")
    client.post("/vendor/settings/bank", data=bank_data(bank_account_number="999999999"))  # asked again meanwhile
    auth.logout()
    auth.login(admin.email)
    response = client.post(f"/admin/vendors/coops/{cooperative.id}/bank/verify", data=seen_data)
    assert response.status_code == 422 and 'value="999999999"' in response.get_data(as_text=True)
    assert reloaded(cooperative).bank_account_number == "8888123456789"


def test_asking_for_the_account_already_in_use_is_refused(client, as_owner, cooperative):
    response = client.post("/vendor/settings/bank", data=bank_data(
        bank_bin="970405", bank_account_number="8888123456789", bank_account_holder="HTX NN CHI LANG"))
    assert response.status_code == 422 and 'id="bank_account_number-error"' in response.get_data(as_text=True)
    assert reloaded(cooperative).pending_bank_account_number == "" and actions() == []


@pytest.mark.parametrize("field, value, message", [
    ("bank_account_number", "12345ABC", "chỉ gồm chữ số"),
    ("bank_account_number", "12345", "chỉ gồm chữ số"),
    ("bank_bin", "123456", "Chọn ngân hàng trong danh sách"),
    ("bank_bin", "", "Vui lòng điền vào ô này."),
    ("bank_account_holder", "", "Vui lòng điền vào ô này."),
])
def test_bad_bank_input_gets_a_message_on_its_field(client, as_owner, cooperative, field, value, message):
    response = client.post("/vendor/settings/bank", data=bank_data(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="{field}-error"' in page and message in page
    assert 'value="HTX NA CHI LANG"' in page or field == "bank_account_holder"
    assert reloaded(cooperative).pending_bank_account_number == "" and actions() == []


# Who may change what

def test_staff_get_403_on_every_settings_page(client, auth, owner, cooperative):
    staff = make_user()
    other = make_cooperative(staff=(staff,))
    auth.login(staff.email)
    for url in SETTINGS_URLS:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={**bank_data(), **profile_data()}).status_code == 403, url
    assert reloaded(other).pending_bank_account_number == "" and actions() == []


def test_an_owner_changes_only_their_own_cooperative(client, auth, as_owner, cooperative):
    other = make_cooperative(name="HTX Quảng Hồng", owner=make_user())
    for url, data in (("/vendor/settings/profile", profile_data()),
                      ("/vendor/settings/bank", bank_data()),
                      ("/vendor/settings/shipping", {"shipping_flat_fee": "1", "shipping_fee_per_kg": "1"})):
        assert client.post(url, data={**data, "cooperative_id": other.id, "id": other.id}).status_code == 302
    untouched = reloaded(other)
    assert (untouched.description, untouched.shipping_flat_fee, untouched.pending_bank_account_number) == ("", 0, "")
    mine = reloaded(cooperative)
    assert mine.description and mine.shipping_flat_fee == 1 and mine.pending_bank_account_number
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.cooperative_id == other.id)) == 0


def test_owners_cannot_decide_on_bank_changes(client, as_owner, cooperative):
    client.post("/vendor/settings/bank", data=bank_data())
    pending = reloaded(cooperative)
    for decision in ("verify", "reject"):
        response = client.post(f"/admin/vendors/coops/{cooperative.id}/bank/{decision}",
                               data=admin_decision_data(pending, f"bank-{decision}", reason="x"))
        assert response.status_code == 403
    assert reloaded(cooperative).bank_account_number == "8888123456789"


def test_images_of_a_suspended_cooperative_are_seen_only_by_its_members(client, auth, app, as_owner, cooperative):
    post_profile(client, profile_data(), logo=(png_bytes(), "logo.png"))
    url = f"/images/coops/{reloaded(cooperative).logo_image}-320.webp"
    cooperative.status = CooperativeStatus.SUSPENDED
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    auth.logout()
    assert client.get(url).status_code == 404
    auth.login(make_user().email)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["..%2F..%2Fsecret_key", "../../instance/secret_key", "x.webp",
                                  "0123456789abcdef0123456789abcdef-160.webp",  # made by no one
                                  "0123456789ABCDEF0123456789abcdef-160.webp"])
def test_unknown_image_names_answer_404(client, app, as_owner, cooperative, name):
    post_profile(client, profile_data(), logo=(png_bytes(), "logo.png"))
    stored = reloaded(cooperative).logo_image
    assert client.get(f"/images/coops/{name}").status_code == 404
    assert client.get(f"/images/coops/{stored}-800.webp").status_code == 404  # a cover width of a logo
