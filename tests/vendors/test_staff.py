"""The owner invites staff by a single-use emailed link, removes them and hands over ownership."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEntry, CooperativeInvitation, CooperativeMember, MemberRole, User

from ..factories import make_cooperative, make_user


@pytest.fixture
def owner(app):
    return make_user(email="thang@example.com", full_name="Hoàng Văn Thắng")


@pytest.fixture
def cooperative(owner):
    return make_cooperative(name="HTX Na Chi Lăng", owner=owner)


def invitation_link(outbox) -> str:
    return re.search(r"http://localhost(/vendor/join/\S+)", outbox[-1].get_content()).group(1)


def role_of(user) -> MemberRole | None:
    db.session.expire_all()
    member = db.session.get(User, user.id).membership
    return member.role if member else None


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("staff.%"))
                                   .order_by(AuditEntry.id)))


def test_an_invited_person_joins_once_with_the_emailed_link(client, auth, owner, cooperative, outbox):
    auth.login(owner.email)
    response = client.post("/vendor/staff/invite", data={"email": " Lan@Example.com "})
    assert response.status_code == 302
    message = outbox[-1]
    assert message["To"] == "lan@example.com" and "HTX Na Chi Lăng" in message["Subject"]
    assert "7 ngày" in message.get_content()
    link = invitation_link(outbox)
    assert "lan@example.com" in client.get("/vendor/staff").get_data(as_text=True)  # pending
    stored = db.session.scalar(select(CooperativeInvitation))
    assert link.rsplit("/", 1)[1] not in stored.token_hash  # only a hash is kept
    auth.logout()

    lan = make_user(email="lan@example.com", full_name="Lý Thị Lan")
    assert client.get(link).status_code == 302  # anonymous: to the login page
    auth.login(lan.email)
    assert "HTX Na Chi Lăng" in client.get(link).get_data(as_text=True)
    assert client.post(link).status_code == 302
    assert role_of(lan) == MemberRole.STAFF
    assert client.get("/vendor").status_code == 200
    assert client.get("/vendor/staff").status_code == 403  # staff do not manage staff
    assert client.post(link).status_code == 422  # the link worked once
    assert actions() == ["staff.invited", "staff.joined"]


def test_a_link_is_only_for_its_email_and_expires(client, auth, app, owner, cooperative, outbox):
    auth.login(owner.email)
    client.post("/vendor/staff/invite", data={"email": "lan@example.com"})
    link = invitation_link(outbox)
    auth.logout()
    other = make_user(email="khac@example.com")
    auth.login(other.email)
    response = client.post(link)
    assert response.status_code == 422 and "địa chỉ email khác" in response.get_data(as_text=True)
    assert role_of(other) is None
    auth.logout()

    invitation = db.session.scalar(select(CooperativeInvitation))
    invitation.expires_at -= timedelta(days=8)
    db.session.commit()
    lan = make_user(email="lan@example.com")
    auth.login(lan.email)
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 422 and role_of(lan) is None
    assert client.get("/vendor/join/not-a-token").status_code == 410


def test_a_withdrawn_or_replaced_invitation_stops_working(client, auth, owner, cooperative, outbox):
    auth.login(owner.email)
    client.post("/vendor/staff/invite", data={"email": "lan@example.com"})
    first = invitation_link(outbox)
    client.post("/vendor/staff/invite", data={"email": "lan@example.com"})
    second = invitation_link(outbox)
    invitation = db.session.scalar(select(CooperativeInvitation).where(CooperativeInvitation.revoked_at.is_(None)))
    assert client.post(f"/vendor/staff/invitations/{invitation.id}/revoke").status_code == 302
    auth.logout()
    lan = make_user(email="lan@example.com")
    auth.login(lan.email)
    assert client.get(first).status_code == 410 and client.get(second).status_code == 410


def test_inviting_someone_already_in_a_cooperative_is_refused(client, auth, owner, cooperative):
    busy = make_user(email="ban@example.com")
    make_cooperative(owner=busy)
    auth.login(owner.email)
    response = client.post("/vendor/staff/invite", data={"email": "ban@example.com"})
    assert response.status_code == 422 and "đã thuộc một hợp tác xã" in response.get_data(as_text=True)
    response = client.post("/vendor/staff/invite", data={"email": "thang@example.com"})
    assert response.status_code == 422 and "đã ở trong hợp tác xã" in response.get_data(as_text=True)
    response = client.post("/vendor/staff/invite", data={"email": "not-an-email"})
    assert response.status_code == 422 and 'value="not-an-email"' in response.get_data(as_text=True)
    assert db.session.scalar(select(CooperativeInvitation)) is None


def test_the_owner_removes_staff_who_then_lose_access(client, auth, owner):
    lan = make_user(email="lan@example.com")
    cooperative = make_cooperative(owner=owner, staff=(lan,))
    member = db.session.scalar(select(CooperativeMember).where(CooperativeMember.user_id == lan.id))
    auth.login(owner.email)
    owner_member = db.session.scalar(select(CooperativeMember).where(CooperativeMember.user_id == owner.id))
    client.post(f"/vendor/staff/{owner_member.id}/remove")
    assert role_of(owner) == MemberRole.OWNER  # the owner cannot be removed
    assert client.post(f"/vendor/staff/{member.id}/remove").status_code == 302
    assert role_of(lan) is None and cooperative.id
    auth.logout()
    auth.login(lan.email)
    assert client.get("/vendor").status_code == 403
    assert actions() == ["staff.removed"]


def test_ownership_is_handed_over_with_the_password(client, auth, owner):
    lan = make_user(email="lan@example.com")
    make_cooperative(owner=owner, staff=(lan,))
    member = db.session.scalar(select(CooperativeMember).where(CooperativeMember.user_id == lan.id))
    auth.login(owner.email)
    response = client.post(f"/vendor/staff/{member.id}/make-owner", data={"password": "wrong"})
    assert response.status_code == 302 and role_of(lan) == MemberRole.STAFF
    assert client.post(f"/vendor/staff/{member.id}/make-owner",
                       data={"password": "hoa-mai-2026"}).status_code == 302
    assert role_of(lan) == MemberRole.OWNER and role_of(owner) == MemberRole.STAFF
    assert client.get("/vendor/staff").status_code == 403
    assert actions() == ["staff.ownership_transferred"]


def test_an_owner_cannot_touch_another_cooperatives_people(client, auth, owner, cooperative):
    other_owner, other_staff = make_user(), make_user(email="nguoi-khac@example.com")
    make_cooperative(owner=other_owner, staff=(other_staff,))
    member = db.session.scalar(select(CooperativeMember).where(CooperativeMember.user_id == other_staff.id))
    auth.login(other_owner.email)
    client.post("/vendor/staff/invite", data={"email": "moi@example.com"})
    invitation = db.session.scalar(select(CooperativeInvitation))
    auth.logout()

    auth.login(owner.email)
    assert client.post(f"/vendor/staff/{member.id}/remove").status_code == 404
    assert client.post(f"/vendor/staff/{member.id}/make-owner", data={"password": "hoa-mai-2026"}).status_code == 404
    assert client.post(f"/vendor/staff/invitations/{invitation.id}/revoke").status_code == 404
    assert "nguoi-khac@example.com" not in client.get("/vendor/staff").get_data(as_text=True)
    assert role_of(other_staff) == MemberRole.STAFF
