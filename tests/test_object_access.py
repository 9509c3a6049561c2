"""Route by route: a signed-in user who changes an id in a URL never reaches another's data.

Every route with a path argument that is guarded for users or cooperatives must appear in
OBJECT_ROUTES with a way to make an object that belongs to someone else; a new such route
that is missing fails test_every_object_route_is_in_the_table. Public routes (the storefront)
and admin routes (admins see everything; non-admins get 403 by tests/test_access.py) are not here.
"""
import io
from datetime import date

import pytest
from sqlalchemy import select

from marketplace.accounts import guards
from marketplace.extensions import db
from marketplace.models import (
    ApplicationDocument,
    CooperativeInvitation,
    CooperativeMember,
    Lot,
    Product,
    ProductImage,
    ProductStatus,
)
from marketplace.orders.models import PaymentMethod, SavedAddress, VendorOrder
from marketplace.payments import records
from marketplace.payments.models import Collector, PaymentKind, PaymentStatus, StatementLine

from .factories import DEFAULT_PASSWORD, make_cooperative, make_order, make_product, make_user
from .test_access import _routes
from .vendors.test_applications import PDF

GUARDED = {guards.USER, guards.COOPERATIVE, guards.COOPERATIVE_OWNER}


def _someone_elses_document(app, victim) -> dict:
    client = _login(app, victim)
    client.post("/vendors/apply/documents", data={"kind": "registration", "file": (io.BytesIO(PDF), "b.pdf")},
                content_type="multipart/form-data")
    return {"document_id": db.session.scalar(select(ApplicationDocument.id))}


def _someone_elses_member(app, victim) -> dict:
    staff = make_user()
    cooperative_id = victim.membership.cooperative_id
    db.session.add(CooperativeMember(cooperative_id=cooperative_id, user_id=staff.id))
    db.session.commit()
    return {"member_id": db.session.scalar(select(CooperativeMember.id).where(CooperativeMember.user_id == staff.id))}


def _someone_elses_invitation(app, victim) -> dict:
    _login(app, victim).post("/vendor/staff/invite", data={"email": "moi@example.com"})
    return {"invitation_id": db.session.scalar(select(CooperativeInvitation.id))}


def _someone_elses_invitation_token(app, victim) -> dict:
    return {"token": "an-invitation-for-someone-else"}  # tokens are secrets: an unknown one is all one can try


def _someone_elses_product(app, victim) -> dict:
    product = make_product(victim.membership.cooperative, name="Na của người khác")
    image = ProductImage(product_id=product.id, stored_name="ab" * 16, widths="320", width=320, height=240)
    db.session.add(image)
    db.session.commit()
    return {"product_id": product.id, "image_id": image.id}


def _someone_elses_lot(app, victim) -> dict:
    product_id = _someone_elses_product(app, victim)["product_id"]
    lot = Lot(product_id=product_id, code="VICTIM23", harvested_on=date(2026, 8, 1), quantity=10)
    db.session.add(lot)
    db.session.commit()
    return {"lot_id": lot.id}


def _someone_elses_vendor_order(app, victim) -> dict:
    product = make_product(victim.membership.cooperative, name="Mật ong của người khác")
    return {"vendor_order_id": make_order(product).vendor_orders[0].id}


def _someone_elses_carrier_collection(app, victim) -> dict:
    vendor_order = db.session.get(VendorOrder, _someone_elses_vendor_order(app, victim)["vendor_order_id"])
    payment = records.record(PaymentKind.PAYMENT, PaymentMethod.COD, vendor_order.order_id,
                             {vendor_order.id: vendor_order.total}, status=PaymentStatus.PENDING,
                             collector=Collector.CARRIER)
    db.session.commit()
    return {"payment_id": payment.id}


def _someone_elses_paid_part(app, victim) -> VendorOrder:
    vendor_order = db.session.get(VendorOrder, _someone_elses_vendor_order(app, victim)["vendor_order_id"])
    records.record(PaymentKind.PAYMENT, PaymentMethod.COD, vendor_order.order_id, {vendor_order.id: vendor_order.total},
                   status=PaymentStatus.SUCCEEDED, collector=Collector.COOPERATIVE)
    db.session.commit()
    return vendor_order


def _someone_elses_paid_order(app, victim) -> dict:
    return {"vendor_order_id": _someone_elses_paid_part(app, victim).id}


def _someone_elses_refund(method: PaymentMethod):
    def make(app, victim) -> dict:
        vendor_order = _someone_elses_paid_part(app, victim)
        refund = records.record(PaymentKind.REFUND, method, vendor_order.order_id, {vendor_order.id: 1_000},
                                status=PaymentStatus.PENDING, note="Hàng hỏng",
                                idempotency_key=f"refund-{vendor_order.code}" if method == PaymentMethod.CARD else None)
        db.session.commit()
        return {"payment_id": refund.id}
    return make


def _someone_elses_statement_line(app, victim) -> dict:
    line = StatementLine(cooperative_id=victim.membership.cooperative_id, fingerprint="ref:FT-VICTIM",
                         booked_on=date(2026, 5, 2), amount=100_000, message="CHX-26000001-1", bank_reference="FT-VICTIM")
    db.session.add(line)
    db.session.commit()
    return {"line_id": line.id}


def _someone_elses_address(app, victim) -> dict:
    address = SavedAddress(user_id=victim.id, full_name="Người khác", phone="+84912345678", province_code=20,
                           ward_code=6463, address_line="1 Trần Đăng Ninh")
    db.session.add(address)
    db.session.commit()
    return {"address_id": address.id}


# endpoint -> (how to make the victim's object, answers that keep it out of reach)
OBJECT_ROUTES = {
    "applications.document": (_someone_elses_document, {404}),
    "applications.delete_document": (_someone_elses_document, {404}),
    "vendors.remove_staff": (_someone_elses_member, {404}),
    "vendors.transfer_ownership": (_someone_elses_member, {404}),
    "vendors.revoke_invitation": (_someone_elses_invitation, {404}),
    "vendors.join": (_someone_elses_invitation_token, {410, 422}),
    **{f"vendor_products.{name}": (_someone_elses_product, {404})
       for name in ("edit", "archive", "stock", "count", "upload_image", "delete_image", "first_image")},
    "vendor_lots.lots": (_someone_elses_product, {404}),
    "vendor_lots.labels": (_someone_elses_lot, {404}),
    "checkout.delete_address": (_someone_elses_address, {404}),
    **{f"vendor_orders.{name}": (_someone_elses_vendor_order, {404})
       for name in ("detail", "change_state", "packing_slip")},
    **{f"vendor_payments.{name}": (_someone_elses_vendor_order, {404}) for name in ("deliver_with_cash", "record_received")},
    "vendor_payments.record_remittance": (_someone_elses_carrier_collection, {404}),
    "statements.ignore": (_someone_elses_statement_line, {404}),
    "vendor_payments.refund": (_someone_elses_paid_order, {404}),
    "vendor_payments.record_paid_back": (_someone_elses_refund(PaymentMethod.COD), {404}),
    "vendor_payments.send_refund": (_someone_elses_refund(PaymentMethod.CARD), {404}),
}


def _login(app, user):
    client = app.test_client()
    assert client.post("/account/login", data={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return client


def _object_routes(app):
    for rule, method, access in _routes(app):
        if rule.arguments and access in GUARDED:
            yield rule, method


def test_every_object_route_is_in_the_table(app):
    missing = sorted({rule.endpoint for rule, _ in _object_routes(app)} - OBJECT_ROUTES.keys())
    assert missing == [], "add these routes to OBJECT_ROUTES with a way to make someone else's object"


@pytest.mark.parametrize("endpoint", sorted(OBJECT_ROUTES))
def test_an_owner_cannot_reach_another_cooperatives_objects(app, endpoint):
    victim, attacker = make_user(), make_user()
    make_cooperative(owner=victim)
    make_cooperative(owner=attacker)
    make_object, allowed = OBJECT_ROUTES[endpoint]
    victim_without_cooperative = make_user()
    arguments = make_object(app, victim_without_cooperative if endpoint.startswith("applications.") else victim)
    client = _login(app, attacker)
    for rule, method in _object_routes(app):
        if rule.endpoint == endpoint:
            url = rule.build(arguments)[1]
            response = client.open(url, method=method, data={"password": DEFAULT_PASSWORD})
            assert response.status_code in allowed, (method, url, response.status_code)
            assert victim.email not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(CooperativeMember.id).where(CooperativeMember.user_id == victim.id))
    if make_object in (_someone_elses_product, _someone_elses_lot):
        product = db.session.scalars(select(Product).where(Product.name == "Na của người khác")).one()
        assert (product.status, product.stock_quantity, len(product.images)) == (ProductStatus.PUBLISHED, 50, 1)


def test_ids_too_large_for_the_database_are_not_found(app):
    owner = make_user()
    make_cooperative(owner=owner)
    client = _login(app, owner)
    for url in ("/vendor/products/99999999999999999999/edit", "/vendor/products/2147483648/stock",
                "/vendor/staff/99999999999/remove"):
        method = "post" if url.endswith("remove") else "get"
        assert getattr(client, method)(url).status_code == 404, url
