from marketplace.models import CooperativeStatus

from ..factories import make_cooperative


def test_admin_sees_counts_and_the_cooperatives_waiting_for_approval(client, auth, admin):
    make_cooperative(name="HTX Đã Duyệt")
    waiting = make_cooperative(name="HTX Đang Chờ", status=CooperativeStatus.PENDING)
    auth.login(admin.email)

    page = client.get("/admin").get_data(as_text=True)

    assert waiting.legal_name in page and waiting.tax_code in page
    assert "Đã duyệt</span> <strong>1</strong>" in page
    assert "Chờ duyệt</span> <strong>1</strong>" in page
