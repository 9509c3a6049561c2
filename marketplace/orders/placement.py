"""Placing an order: the cart becomes one Order with one VendorOrder per cooperative, and every
unit is taken from stock in the same transaction, or nothing is placed at all.

Stock is taken by inventory.stock.move (a conditional UPDATE), line by line in product-id order, so
two checkouts that share products lock their rows in the same order and cannot deadlock. The
checkout form's one-time token is unique in the database: a second submission of the same form,
even concurrent, gets the first one's order.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..catalog.models import Product
from ..common.vntime import vietnam_today
from ..database import utcnow
from ..extensions import db
from ..inventory.models import MovementReason
from ..inventory.stock import InsufficientStock, move
from ..transaction import write_transaction
from ..vendors.settings import shipping_rates
from . import cart
from .carts import offers
from .models import CartItem, InvoiceType, Order, OrderLine, PaymentMethod, SavedAddress, VendorOrder, VendorOrderEvent
from .states import Actor, VendorOrderState

NUMBER_PREFIX = "CHX-"
NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class Delivery:
    full_name: str
    phone: str  # normalized mobile
    province_code: int
    ward_code: int
    address_line: str
    email: str = ""
    note: str = ""


@dataclass(frozen=True)
class InvoiceRequest:
    type: InvoiceType = InvoiceType.NONE
    name: str = ""
    tax_code: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class Checkout:
    """Everything the checkout form gives, checked by the form."""

    token: str
    delivery: Delivery
    payment_method: PaymentMethod
    invoice: InvoiceRequest = InvoiceRequest()
    save_address: bool = False


class PlacementRefused(Exception):
    """Nothing was placed. `problem` (orders.cart) says why; `name` is the product it is about."""

    def __init__(self, problem: cart.Problem, name: str = "", product_id: int | None = None):
        super().__init__(problem.kind)
        self.problem, self.name, self.product_id = problem, name, product_id


EMPTY_CART = "empty_cart"


def order_by_token(token: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.checkout_token == token))


def place_order(checkout: Checkout, lines: dict[int, tuple[int, int]], buyer=None, *,
                reservation: timedelta = timedelta(minutes=30),
                on_placed: Callable[[Order], object] | None = None) -> Order:
    """Place the cart `lines` ({product_id: (quantity, price when added)}), or return the order this
    checkout token already placed. Raises PlacementRefused, with nothing written. `on_placed` is
    called after the commit, once, for a newly placed order only (not for a repeated submission)."""
    for _attempt in range(NUMBER_ATTEMPTS):
        existing = order_by_token(checkout.token)
        if existing is not None:
            return existing
        try:
            order = _place(checkout, lines, buyer, reservation)
        except IntegrityError:
            # Either the same form was submitted concurrently (then its order is found above) or,
            # rarely, another checkout drew the same random number at the same moment.
            continue
        if on_placed is not None:
            on_placed(order)
        return order
    raise RuntimeError("could not place the order: order numbers kept colliding")


@write_transaction
def _place(checkout: Checkout, lines: dict[int, tuple[int, int]], buyer, reservation: timedelta) -> Order:
    items, products = _orderable_items(lines)
    cooperatives = {product.cooperative_id: product.cooperative for product in products.values()}
    in_province = {cid: c.province_code == checkout.delivery.province_code for cid, c in cooperatives.items()}
    groups = cart.groups(items, {cid: shipping_rates(c) for cid, c in cooperatives.items()}, in_province)

    order = _new_order(checkout, buyer, groups)
    paid_later = checkout.payment_method != PaymentMethod.COD
    state = VendorOrderState.PENDING_PAYMENT if paid_later else VendorOrderState.PLACED
    reserved_until = utcnow() + reservation if paid_later else None
    for part, group in enumerate(groups, start=1):
        _new_vendor_order(order, part, group, state, reserved_until, buyer, products)
    db.session.add(order)
    db.session.flush()
    _take_stock(order, buyer)
    if buyer is not None:
        db.session.execute(delete(CartItem).where(CartItem.user_id == buyer.id, CartItem.product_id.in_(lines)))
        if checkout.save_address:
            _save_address(buyer, checkout.delivery)
    return order


def _orderable_items(lines: dict[int, tuple[int, int]]) -> tuple[list[cart.Item], dict[int, Product]]:
    if not lines:
        raise PlacementRefused(cart.Problem(EMPTY_CART))
    found = offers(lines)
    items = []
    for product_id, (quantity, price) in sorted(lines.items()):
        if product_id not in found:
            raise PlacementRefused(cart.Problem(cart.NOT_ON_SALE), product_id=product_id)
        offer, product = found[product_id]
        # Stock is decided by the conditional update in _take_stock, not by what is read here.
        problem = cart.problem_with(replace(offer, in_stock=max(offer.in_stock, quantity)), quantity)
        if problem is not None:
            raise PlacementRefused(problem, product.name, product_id)
        items.append(cart.Item(offer, quantity, price))
    return items, {product_id: product for product_id, (_, product) in found.items()}


def _new_order(checkout: Checkout, buyer, groups: list[cart.CooperativeGroup]) -> Order:
    delivery, invoice = checkout.delivery, checkout.invoice
    items_total = sum(group.subtotal for group in groups)
    shipping_total = sum(group.shipping for group in groups)
    return Order(
        number=_new_number(), checkout_token=checkout.token, buyer_id=buyer.id if buyer is not None else None,
        full_name=delivery.full_name, phone=delivery.phone, email=delivery.email,
        province_code=delivery.province_code, ward_code=delivery.ward_code, address_line=delivery.address_line,
        note=delivery.note, payment_method=checkout.payment_method,
        invoice_type=invoice.type, invoice_name=invoice.name, invoice_tax_code=invoice.tax_code,
        invoice_address=invoice.address, invoice_email=invoice.email,
        items_total=items_total, shipping_total=shipping_total, total=items_total + shipping_total)


def _new_number() -> str:
    """CHX-, the year's last two digits and six random digits (one already taken fails the insert
    on its unique index, and place_order tries again)."""
    return f"{NUMBER_PREFIX}{vietnam_today().year % 100:02d}{secrets.randbelow(1_000_000):06d}"


def _new_vendor_order(order: Order, part: int, group: cart.CooperativeGroup, state: VendorOrderState,
                      reserved_until: datetime | None, buyer, products: dict[int, Product]) -> VendorOrder:
    vendor_order = VendorOrder(
        order=order, cooperative_id=group.cooperative_id, code=f"{order.number}-{part}", state=state,
        items_total=group.subtotal, shipping_fee=group.shipping, total=group.total,
        weight_grams=group.weight_grams, reserved_until=reserved_until)
    for item in group.items:
        product = products[item.offer.product_id]
        vendor_order.lines.append(OrderLine(
            product_id=product.id, product_name=product.name, unit=product.unit, unit_price=item.offer.price,
            vat_rate=product.vat_rate, quantity=item.quantity, amount=item.amount,
            weight_grams=product.weight_grams))
    vendor_order.events.append(VendorOrderEvent(
        from_state=None, to_state=state, actor=Actor.BUYER, user_id=buyer.id if buyer is not None else None))
    return vendor_order


def _take_stock(order: Order, buyer) -> None:
    """One sale movement per line, in product-id order across the whole order."""
    lines = sorted(((line, vendor_order) for vendor_order in order.vendor_orders for line in vendor_order.lines),
                   key=lambda pair: pair[0].product_id)
    for line, vendor_order in lines:
        try:
            move(line.product_id, -line.quantity, MovementReason.SALE, user=buyer, reference=vendor_order.code)
        except InsufficientStock as short:
            raise PlacementRefused(cart.Problem(cart.NOT_ENOUGH_STOCK, short.available),
                                   line.product_name, line.product_id) from None


def _save_address(buyer, delivery: Delivery) -> None:
    """Keep the address unless the buyer already has the same one."""
    same = select(SavedAddress.id).where(
        SavedAddress.user_id == buyer.id, SavedAddress.full_name == delivery.full_name,
        SavedAddress.phone == delivery.phone, SavedAddress.ward_code == delivery.ward_code,
        SavedAddress.address_line == delivery.address_line)
    if db.session.scalar(same) is None:
        db.session.add(SavedAddress(
            user_id=buyer.id, full_name=delivery.full_name, phone=delivery.phone,
            province_code=delivery.province_code, ward_code=delivery.ward_code,
            address_line=delivery.address_line))
