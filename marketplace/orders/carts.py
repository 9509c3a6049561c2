"""The buyer's cart: a guest's in the session, a logged-in buyer's in the database (merged in at
login). Every change is checked against the product as it can be ordered now (orders.cart)."""
from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.orm import lazyload

from ..catalog.availability import in_season
from ..catalog.listing import is_visible, visible_products
from ..catalog.models import Product
from ..common.money import VatRate
from ..common.vntime import vietnam_today
from ..extensions import db
from ..transaction import write_transaction
from ..vendors.models import Cooperative
from ..vendors.settings import SHIPPING_FIELDS, shipping_rates
from ..vendors.shipping import ShippingRates
from . import cart
from .models import CartItem

SESSION_KEY = "cart"
MAX_LINES = 50


class CartRefused(Exception):
    """The quantity cannot be ordered; `problem` says why (orders.cart) and `name` of which product."""

    def __init__(self, problem: cart.Problem, name: str = ""):
        super().__init__(problem.kind)
        self.problem, self.name = problem, name


def _offer(product, shown: bool, month: int) -> cart.Offer:
    """The offer of a product, or of a row with the same attribute names."""
    return cart.Offer(product.id, product.cooperative_id, product.price, product.min_order_quantity,
                      product.max_order_quantity, product.stock_quantity, product.weight_grams,
                      shown and in_season(product.season_months, month))


def offers(product_ids) -> dict[int, tuple[cart.Offer, Product]]:
    """Each product as it can be ordered now (on_sale: visible and in season), with the product
    (and its cooperative; not its images or certificates, which a cart does not show)."""
    ids = set(product_ids)
    if not ids:
        return {}
    unshown = (lazyload(Product.images), lazyload(Product.certifications))
    visible = list(db.session.scalars(visible_products().where(Product.id.in_(ids)).options(*unshown)))
    hidden_ids = ids - {product.id for product in visible}
    hidden = db.session.scalars(select(Product).where(Product.id.in_(hidden_ids)).options(*unshown)) if hidden_ids else []
    month = vietnam_today().month
    return {product.id: (_offer(product, shown, month), product)
            for product, shown in [*((p, True) for p in visible), *((p, False) for p in hidden)]}


class CooperativeShipping(NamedTuple):
    rates: ShippingRates
    province_code: int


def shipping_of(cooperative) -> CooperativeShipping:
    """The cooperative's shipping (a Cooperative, or a row with the same attribute names)."""
    return CooperativeShipping(shipping_rates(cooperative), cooperative.province_code)


@dataclass(frozen=True)
class Sellable:
    """A product as an order line copies it, with its offer."""

    offer: cart.Offer
    name: str
    unit: str
    vat_rate: VatRate
    cooperative_name: str
    takes_transfers: bool  # the cooperative has a bank account to be paid at


@cache
def _sellables_query() -> Select:
    """Built once: SQLAlchemy then computes its cache key once, not at every checkout."""
    return (select(Product.id, Product.cooperative_id, Product.price, Product.min_order_quantity,
                   Product.max_order_quantity, Product.stock_quantity, Product.weight_grams, Product.season_months,
                   Product.name, Product.unit, Product.vat_rate, is_visible(cooperative_joined=True).label("shown"),
                   Cooperative.name.label("cooperative_name"), (Cooperative.bank_account_number != "").label("takes_transfers"),
                   Cooperative.province_code, *(getattr(Cooperative, name) for name in SHIPPING_FIELDS))
            .join(Cooperative, Cooperative.id == Product.cooperative_id)
            .where(Product.id.in_(bindparam("ids", expanding=True))))


def sellables(product_ids) -> tuple[dict[int, Sellable], dict[int, CooperativeShipping]]:
    """What placing an order needs of these products and of their cooperatives' shipping, read in
    one narrow query (placing is the busiest write: it loads no Product)."""
    rows = db.session.execute(_sellables_query(), {"ids": sorted(set(product_ids))}).all()
    month = vietnam_today().month
    found = {row.id: Sellable(_offer(row, row.shown, month), row.name, row.unit, row.vat_rate, row.cooperative_name,
                              row.takes_transfers) for row in rows}
    return found, {row.cooperative_id: shipping_of(row) for row in rows}


def _checked(product_id: int, quantity: int) -> tuple[cart.Offer, Product]:
    found = offers([product_id]).get(product_id)
    if found is None:
        raise CartRefused(cart.Problem(cart.NOT_ON_SALE))
    offer, product = found
    problem = cart.problem_with(offer, quantity)
    if problem is not None:
        raise CartRefused(problem, product.name)
    return offer, product


# Lines as {product_id: (quantity, price when added)}; the session keeps them as JSON.

def session_lines(session: MutableMapping) -> dict[int, tuple[int, int]]:
    return {int(key): (int(quantity), int(price)) for key, (quantity, price) in session.get(SESSION_KEY, {}).items()}


def _save_session_lines(session: MutableMapping, lines: dict[int, tuple[int, int]]) -> None:
    session[SESSION_KEY] = {str(key): [quantity, price] for key, (quantity, price) in lines.items()}


def user_lines(user) -> dict[int, tuple[int, int]]:
    return {item.product_id: (item.quantity, item.price_when_added)
            for item in db.session.scalars(select(CartItem).where(CartItem.user_id == user.id))}


def _new_quantity(lines: dict[int, tuple[int, int]], product_id: int, quantity: int, adding: bool) -> tuple[int, int]:
    """The quantity to keep and the price it was first added at."""
    current, price = lines.get(product_id, (0, None))
    if product_id not in lines and len(lines) >= MAX_LINES:
        raise CartRefused(cart.Problem(cart.ABOVE_MAXIMUM, MAX_LINES))
    return (current + quantity if adding else quantity), price


def change_session_cart(session: MutableMapping, product_id: int, quantity: int, adding: bool) -> None:
    """Add `quantity` (adding) or set it; 0 when setting removes the line. Raises CartRefused."""
    lines = session_lines(session)
    wanted, price = _new_quantity(lines, product_id, quantity, adding)
    if wanted <= 0:
        lines.pop(product_id, None)
    else:
        offer, _ = _checked(product_id, wanted)
        lines[product_id] = (wanted, price if price is not None else offer.price)
    _save_session_lines(session, lines)


def forget_session_lines(session: MutableMapping, product_ids) -> None:
    """Drop these products from a guest's cart (once ordered; placement clears a buyer's saved cart)."""
    lines = session_lines(session)
    for product_id in product_ids:
        lines.pop(product_id, None)
    _save_session_lines(session, lines)


@write_transaction
def change_user_cart(user, product_id: int, quantity: int, adding: bool) -> None:
    lines = user_lines(user)
    wanted, price = _new_quantity(lines, product_id, quantity, adding)
    if wanted <= 0:
        db.session.execute(delete(CartItem).where(CartItem.user_id == user.id, CartItem.product_id == product_id))
        return
    offer, _ = _checked(product_id, wanted)
    item = db.session.scalar(select(CartItem).where(CartItem.user_id == user.id, CartItem.product_id == product_id))
    if item is None:
        db.session.add(CartItem(user_id=user.id, product_id=product_id, quantity=wanted, price_when_added=offer.price))
    else:
        item.quantity = wanted


@write_transaction
def merge_into_user_cart(user, lines: dict[int, tuple[int, int]]) -> None:
    """A guest's lines join the account's saved cart at login; quantities of the same product add up
    (the cart page then says if the sum breaks a rule)."""
    saved = {item.product_id: item for item in db.session.scalars(select(CartItem).where(CartItem.user_id == user.id))}
    existing = set(db.session.scalars(select(Product.id).where(Product.id.in_(lines))))
    for product_id, (quantity, price) in lines.items():
        if product_id not in existing:
            continue
        if product_id in saved:
            saved[product_id].quantity += quantity
        else:
            db.session.add(CartItem(user_id=user.id, product_id=product_id, quantity=quantity, price_when_added=price))


def visitor_lines(user, session: MutableMapping) -> dict[int, tuple[int, int]]:
    """The visitor's cart lines: a logged-in buyer's saved cart, a guest's session cart."""
    return user_lines(user) if user.is_authenticated else session_lines(session)


def priced_groups(items: list[cart.Item], shipping: dict[int, CooperativeShipping],
                  province_code: int | None) -> list[cart.CooperativeGroup]:
    """The items by cooperative with the shipping each charges for delivery to this province (its
    own rate inside its province; before an address is given, None: the rate elsewhere)."""
    in_province = {cid: its.province_code == province_code for cid, its in shipping.items()}
    return cart.groups(items, {cid: its.rates for cid, its in shipping.items()}, in_province)


def contents(lines: dict[int, tuple[int, int]], province_code: int | None = None
             ) -> tuple[list[cart.CooperativeGroup], dict[int, Product]]:
    """The cart by cooperative with subtotals and shipping to the province, and the products by id
    for showing them. Products gone from the database are left out."""
    found = offers(lines)
    items = [cart.Item(found[pid][0], quantity, price) for pid, (quantity, price) in lines.items() if pid in found]
    shipping = {product.cooperative_id: shipping_of(product.cooperative) for _, product in found.values()}
    return priced_groups(items, shipping, province_code), {pid: product for pid, (_, product) in found.items()}
