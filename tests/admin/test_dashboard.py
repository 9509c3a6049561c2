from marketplace.models import CooperativeStatus

from ..factories import make_cooperative


def test_admin_sees_counts_and_links_to_each_review_tab(client, auth, admin):
    make_cooperative(name="HTX Đã Duyệt")
    make_cooperative(name="HTX Đang Chờ", status=CooperativeStatus.PENDING)
    make_cooperative(name="HTX Bị Ngừng", status=CooperativeStatus.SUSPENDED)
    auth.login(admin.email)

    page = client.get("/admin").get_data(as_text=True)

    assert "Đã duyệt</span> <strong>1</strong>" in page
    assert "Chờ duyệt</span> <strong>1</strong>" in page
    assert '<a href="/admin/vendors?tab=submitted">Đã nộp, chờ xét duyệt</a> <strong>0</strong>' in page
    assert '<a href="/admin/vendors?tab=suspended">Tạm ngừng</a> <strong>1</strong>' in page
