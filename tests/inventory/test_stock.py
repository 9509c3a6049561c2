"""Stock is the sum of its movements, never negative, and concurrent changes lose nothing."""
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.inventory import stock
from marketplace.inventory.models import MovementReason, StockMovement
from marketplace.models import Product
from marketplace.transaction import write_transaction

from ..factories import make_cooperative, make_product


@pytest.fixture
def product(app):
    return make_product(make_cooperative(), stock=0)


def current_stock(product_id: int) -> int:
    db.session.commit()
    return db.session.scalar(select(Product.stock_quantity).where(Product.id == product_id))


@write_transaction
def move(product_id: int, quantity: int, reason=MovementReason.CORRECTION):
    return stock.move(product_id, quantity, reason)


def test_a_movement_changes_the_stock_in_the_same_transaction(product):
    move(product.id, 20, MovementReason.HARVEST)
    move(product.id, -3, MovementReason.SALE)
    move(product.id, -2, MovementReason.SPOILAGE)
    assert current_stock(product.id) == 15 == stock.movements_total(product.id)


def test_a_product_loaded_in_the_transaction_shows_the_new_stock(product):
    @write_transaction
    def harvest_and_read() -> tuple[int, int]:
        loaded = db.session.get(Product, product.id)
        before = loaded.stock_quantity
        stock.move(product.id, 20, MovementReason.HARVEST)
        return before, loaded.stock_quantity  # read before the commit would expire it

    assert harvest_and_read() == (0, 20)


def test_taking_more_than_there_is_is_refused_and_writes_nothing(product):
    move(product.id, 4, MovementReason.HARVEST)
    with pytest.raises(stock.InsufficientStock) as refused:
        move(product.id, -5, MovementReason.SALE)
    assert refused.value.available == 4
    assert current_stock(product.id) == 4
    assert db.session.scalar(select(func.count(StockMovement.id))) == 1


def test_the_database_refuses_negative_stock_and_empty_movements(product):
    with pytest.raises(IntegrityError):
        db.session.execute(update(Product).where(Product.id == product.id).values(stock_quantity=-1))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.add(StockMovement(product_id=product.id, quantity=0, reason=MovementReason.CORRECTION))
        db.session.flush()
    db.session.rollback()


def test_unknown_products_are_not_found(app):
    with pytest.raises(LookupError):
        move(999_999, 1)


@pytest.mark.postgres
def test_racing_stock_edits_and_purchases_lose_no_update(app, product):
    """Staff add and correct stock while buyers take units, from many connections at once."""
    move(product.id, 50, MovementReason.HARVEST)
    rng = random.Random(7)
    changes = [-1] * 120 + [rng.choice([5, 3, -2]) for _ in range(60)]
    rng.shuffle(changes)

    def apply(quantity: int) -> bool:
        with app.app_context():
            try:
                move(product.id, quantity, MovementReason.SALE if quantity == -1 else MovementReason.CORRECTION)
                return True
            except stock.InsufficientStock:
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(8) as pool:
        applied = list(pool.map(apply, changes))

    final = current_stock(product.id)
    assert final == stock.movements_total(product.id) == 50 + sum(q for q, ok in zip(changes, applied) if ok)
    assert final >= 0 and applied.count(True) > len(changes) // 2
