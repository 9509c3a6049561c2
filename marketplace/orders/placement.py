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
from datetime import timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from ..common.vntime import vietnam_today
from ..database import utcnow
from ..extensions import db
from ..inventory.models import MovementReason
from ..inventory.stock import InsufficientStock, Movement, move_all
from ..transaction import write_transaction
from . import cart
from .carts import CooperativeShipping, Sellable, priced_groups, sellables
from .models import CartItem, InvoiceType, Order, OrderLine, PaymentMethod, SavedAddress, VendorOrder, VendorOrderEvent
from .states import Actor, VendorOrderState

ORDERS, VENDOR_ORDERS = Order.__table__, VendorOrder.__table__
# Statements built once: SQLAlchemy computes a statement's cache key again for every new one.
INSERT_ORDER = insert(ORDERS).returning(ORDERS.c.id)
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
NO_TRANSFERS = "no_transfers"  # a cooperative of the cart has no bank account to be paid at


@dataclass(frozen=True)
class PlacedOrder:
    id: int
    number: str
    buyer_id: int | None


def placed_by_token(token: str) -> PlacedOrder | None:
    """The order this checkout token placed, if any."""
    row = db.session.execute(select(ORDERS.c.id, ORDERS.c.number, ORDERS.c.buyer_id)
                             .where(ORDERS.c.checkout_token == token)).first()
    return PlacedOrder(*row) if row is not None else None


def place_order(checkout: Checkout, lines: dict[int, tuple[int, int]], buyer=None, *,
                reservation: timedelta = timedelta(minutes=30),
                on_placed: Callable[[PlacedOrder], object] | None = None) -> PlacedOrder:
    """Place the cart `lines` ({product_id: (quantity, price when added)}), or return the order this
    checkout token already placed. Raises PlacementRefused, with nothing written. `on_placed` is
    called after the commit, once, for a newly placed order only (not for a repeated submission)."""
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            placed = _place(checkout, lines, buyer, reservation)
        except PlacementRefused:
            # A repeated submission finds the cart emptied or the stock taken by its first one.
            existing = placed_by_token(checkout.token)
            if existing is None:
                raise
            return existing
        except IntegrityError:
            # Either this form's order was placed first (its token is unique) or, rarely, another
            # checkout drew the same random number at the same moment.
            existing = placed_by_token(checkout.token)
            if existing is not None:
                return existing
            continue
        if on_placed is not None:
            on_placed(placed)
        return placed
    raise RuntimeError("could not place the order: order numbers kept colliding")


@write_transaction
def _place(checkout: Checkout, lines: dict[int, tuple[int, int]], buyer, reservation: timedelta) -> PlacedOrder:
    """Rows are written by INSERTs on the tables, many rows per statement, not through the ORM: a
    checkout is the busiest write of the marketplace."""
    items, products, shipping = _orderable_items(lines)
    if checkout.payment_method == PaymentMethod.BANK_TRANSFER:
        _check_transfers_taken(products.values())
    groups = priced_groups(items, shipping, checkout.delivery.province_code)

    number, buyer_id = _new_number(), buyer.id if buyer is not None else None
    order_id = db.session.execute(INSERT_ORDER, _order_row(checkout, number, buyer_id, groups)).scalar_one()
    paid_later = checkout.payment_method != PaymentMethod.COD
    state = VendorOrderState.PENDING_PAYMENT if paid_later else VendorOrderState.PLACED
    reserved_until = utcnow() + reservation if paid_later else None
    codes = [f"{number}-{part}" for part in range(1, len(groups) + 1)]
    part_ids = db.session.scalars(
        insert(VENDOR_ORDERS).returning(VENDOR_ORDERS.c.id, sort_by_parameter_order=True),
        [dict(order_id=order_id, cooperative_id=group.cooperative_id, code=code, state=state,
              items_total=group.subtotal, shipping_fee=group.shipping, total=group.total,
              weight_grams=group.weight_grams, reserved_until=reserved_until)
         for code, group in zip(codes, groups)]).all()
    db.session.execute(insert(OrderLine.__table__), [
        _line_row(part_id, item, products[item.offer.product_id])
        for part_id, group in zip(part_ids, groups) for item in group.items])
    db.session.execute(insert(VendorOrderEvent.__table__), [
        dict(vendor_order_id=part_id, from_state=None, to_state=state, actor=Actor.BUYER, user_id=buyer_id)
        for part_id in part_ids])
    _take_stock(groups, codes, products, buyer)
    if buyer is not None:
        db.session.execute(delete(CartItem).where(CartItem.user_id == buyer.id, CartItem.product_id.in_(lines)))
        if checkout.save_address:
            _save_address(buyer, checkout.delivery)
    return PlacedOrder(order_id, number, buyer_id)


def _orderable_items(lines: dict[int, tuple[int, int]]
                     ) -> tuple[list[cart.Item], dict[int, Sellable], dict[int, CooperativeShipping]]:
    if not lines:
        raise PlacementRefused(cart.Problem(EMPTY_CART))
    found, shipping = sellables(lines)
    items = []
    for product_id, (quantity, price) in sorted(lines.items()):
        if product_id not in found:
            raise PlacementRefused(cart.Problem(cart.NOT_ON_SALE), product_id=product_id)
        offer, name = found[product_id].offer, found[product_id].name
        # Stock is decided by the conditional update in _take_stock, not by what is read here.
        problem = cart.problem_with(replace(offer, in_stock=max(offer.in_stock, quantity)), quantity)
        if problem is not None:
            raise PlacementRefused(problem, name, product_id)
        items.append(cart.Item(offer, quantity, price))
    return items, found, shipping


def _check_transfers_taken(products) -> None:
    for product in products:
        if not product.takes_transfers:
            raise PlacementRefused(cart.Problem(NO_TRANSFERS), product.cooperative_name)


def _order_row(checkout: Checkout, number: str, buyer_id: int | None, groups: list[cart.CooperativeGroup]) -> dict:
    delivery, invoice = checkout.delivery, checkout.invoice
    items_total = sum(group.subtotal for group in groups)
    shipping_total = sum(group.shipping for group in groups)
    return dict(
        number=number, checkout_token=checkout.token, buyer_id=buyer_id,
        full_name=delivery.full_name, phone=delivery.phone, email=delivery.email, province_code=delivery.province_code, ward_code=delivery.ward_code, address_line=delivery.address_line,
        note=delivery.note, payment_method=checkout.payment_method,
        invoice_type=invoice.type, invoice_name=invoice.name, invoice_tax_code=invoice.tax_code,
        invoice_address=invoice.address, invoice_email=invoice.email,
        items_total=items_total, shipping_total=shipping_total, total=items_total + shipping_total)


def _line_row(vendor_order_id: int, item: cart.Item, product: Sellable) -> dict:
    """A line as sold: the product's name, unit and VAT rate copied, at the price offered."""
    return dict(vendor_order_id=vendor_order_id, product_id=item.offer.product_id, product_name=product.name,
                unit=product.unit, unit_price=item.offer.price, vat_rate=product.vat_rate, quantity=item.quantity,
                amount=item.amount, weight_grams=item.offer.weight_grams)


def _new_number() -> str:
    """CHX-, the year's last two digits and six random digits (one already taken fails the insert
    on its unique index, and place_order tries again)."""
    return f"{NUMBER_PREFIX}{vietnam_today().year % 100:02d}{secrets.randbelow(1_000_000):06d}"


def _take_stock(groups: list[cart.CooperativeGroup], codes: list[str], products: dict[int, Sellable], buyer) -> None:
    """One sale movement per line, in product-id order across the whole order."""
    movements = sorted((Movement(item.offer.product_id, -item.quantity, code)
                        for code, group in zip(codes, groups) for item in group.items),
                       key=lambda movement: movement.product_id)
    try:
        move_all(movements, MovementReason.SALE, user=buyer)
    except InsufficientStock as short:
        raise PlacementRefused(cart.Problem(cart.NOT_ENOUGH_STOCK, short.available),
                               products[short.product_id].name, short.product_id) from None


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
