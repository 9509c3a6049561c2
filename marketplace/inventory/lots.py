"""Harvest and production lots: each one a short code that anyone can trace at /trace/<code>.

Creating a lot records its harvest as a stock movement in the same transaction, so the lot
and the stock it brought either both exist or neither does. Staff reach only the lots of their
own cooperative's products; the public finds any lot by its code, archived products included.
"""
from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalog.models import Product, ProductCertification, ProductStatus
from ..common.vntime import vietnam_today
from ..extensions import db
from ..transaction import write_transaction
from ..vendors.models import Cooperative, CooperativeStatus
from ..vendors.products import product_of
from . import stock
from .models import Lot, MovementReason

# No look-alikes (0 and O, 1, I and L): a code is read off a label and typed on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31^8, about 850 billion codes: a collision is rare, and then retried
CODE_ATTEMPTS = 5
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
MAX_QUANTITY = 100_000


class LotProblem(enum.StrEnum):
    HARVEST_IN_THE_FUTURE = "harvest_in_the_future"
    BEST_BEFORE_THE_HARVEST = "best_before_the_harvest"
    QUANTITY_OUT_OF_RANGE = "quantity_out_of_range"


class InvalidLot(Exception):
    """The values break the rules of a lot; `problems` maps each LotValues field to what is wrong."""

    def __init__(self, problems: dict[str, LotProblem]):
        super().__init__(", ".join(f"{field}: {problem}" for field, problem in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class LotValues:
    """What the lot form says about a new lot."""

    harvested_on: date
    best_before: date | None
    quantity: int
    area: str
    practices: str
    certification_refs: str


@dataclass(frozen=True)
class Trace:
    """What the public trace page shows of a lot."""

    lot: Lot
    product: Product
    cooperative: Cooperative
    # Each certification of the product with whether it is valid today (Vietnam date).
    certifications: list[tuple[ProductCertification, bool]]

    @property
    def cooperative_is_public(self) -> bool:
        return self.cooperative.status == CooperativeStatus.APPROVED

    @property
    def on_sale(self) -> bool:
        """Buyers can order the product: published by an approved cooperative."""
        return self.product.status == ProductStatus.PUBLISHED and self.cooperative_is_public


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalized_code(typed: str) -> str | None:
    """The lot code as stored, from what someone typed (any case, spaces anywhere); None if it
    cannot be a code, so nothing odd (a NUL, a megabyte) ever reaches the database."""
    code = "".join(typed.split()).upper()
    return code if _CODE.fullmatch(code) else None


def _problems(values: LotValues, today: date) -> dict[str, LotProblem]:
    problems = {}
    if values.harvested_on > today:
        problems["harvested_on"] = LotProblem.HARVEST_IN_THE_FUTURE
    if values.best_before is not None and values.best_before < values.harvested_on:
        problems["best_before"] = LotProblem.BEST_BEFORE_THE_HARVEST
    if not 1 <= values.quantity <= MAX_QUANTITY:
        problems["quantity"] = LotProblem.QUANTITY_OUT_OF_RANGE
    return problems


def _insert_with_a_free_code(lot: Lot) -> None:
    """Insert the lot under a new random code; the unique constraint tells of a collision."""
    for _ in range(CODE_ATTEMPTS):
        lot.code = new_code()
        try:
            with db.session.begin_nested():
                db.session.add(lot)
        except IntegrityError:
            continue
        return
    raise RuntimeError(f"no free lot code in {CODE_ATTEMPTS} attempts")


@write_transaction
def create_lot(cooperative_id: int, product_id: int, values: LotValues, user) -> Lot:
    """A new lot of the cooperative's product and the harvest movement of its quantity; raises
    InvalidLot, or LookupError for another cooperative's product."""
    product = product_of(cooperative_id, product_id)
    problems = _problems(values, vietnam_today())
    if problems:
        raise InvalidLot(problems)
    lot = Lot(product_id=product.id, harvested_on=values.harvested_on, best_before=values.best_before,
              quantity=values.quantity, area=values.area, practices=values.practices,
              certification_refs=values.certification_refs, created_by_id=user.id)
    _insert_with_a_free_code(lot)
    stock.move(product.id, values.quantity, MovementReason.HARVEST, user=user, lot_id=lot.id, reference=lot.code)
    return lot


def lots_of(cooperative_id: int, product_id: int) -> list[Lot]:
    """The product's lots, latest harvest first; LookupError for another cooperative's product."""
    product_of(cooperative_id, product_id)
    return list(db.session.scalars(select(Lot).where(Lot.product_id == product_id)
                                   .order_by(Lot.harvested_on.desc(), Lot.id.desc())))


def lot_of(cooperative_id: int, lot_id: int) -> Lot:
    """The lot with this id if its product is the cooperative's; LookupError for any other."""
    lot = db.session.get(Lot, lot_id)
    if lot is None or lot.product.cooperative_id != cooperative_id:
        raise LookupError(lot_id)
    return lot


def trace(typed_code: str) -> Trace | None:
    """The lot with this code, as the public sees it; None for a code that is no lot's."""
    code = normalized_code(typed_code)
    lot = db.session.scalar(select(Lot).where(Lot.code == code)) if code else None
    if lot is None:
        return None
    today = vietnam_today()
    product = lot.product
    return Trace(lot, product, product.cooperative,
                 [(cert, cert.valid_on(today)) for cert in product.certifications])
