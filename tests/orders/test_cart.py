"""Cart rules as plain values: quantities, price changes, and one group per cooperative with shipping."""
import pytest

from marketplace.orders import cart
from marketplace.orders.cart import Item, Offer, Problem
from marketplace.vendors.shipping import ShippingRates


def offer(product_id=1, cooperative_id=10, price=85_000, min_quantity=1, max_quantity=None, in_stock=20,
          weight_grams=1_100, on_sale=True) -> Offer:
    return Offer(product_id, cooperative_id, price, min_quantity, max_quantity, in_stock, weight_grams, on_sale)


@pytest.mark.parametrize("the_offer, quantity, problem", [
    (offer(), 3, None),
    (offer(min_quantity=2), 1, Problem(cart.BELOW_MINIMUM, 2)),
    (offer(max_quantity=5), 6, Problem(cart.ABOVE_MAXIMUM, 5)),
    (offer(in_stock=4), 5, Problem(cart.NOT_ENOUGH_STOCK, 4)),
    (offer(in_stock=0), 1, Problem(cart.NOT_ON_SALE)),
    (offer(on_sale=False), 1, Problem(cart.NOT_ON_SALE)),
    (offer(min_quantity=3, in_stock=2), 3, Problem(cart.NOT_ENOUGH_STOCK, 2)),
])
def test_quantity_rules(the_offer, quantity, problem):
    assert cart.problem_with(the_offer, quantity) == problem


def test_a_price_change_since_adding_is_noticed():
    assert Item(offer(price=90_000), 1, price_when_added=85_000).price_changed
    assert not Item(offer(), 1, price_when_added=85_000).price_changed


def test_items_group_by_cooperative_each_with_its_shipping():
    rates = {10: ShippingRates(flat_fee=20_000, fee_per_kg=5_000, free_shipping_threshold=500_000),
             20: ShippingRates(flat_fee=30_000, fee_per_kg=4_000, in_province_flat_fee=15_000)}
    items = [Item(offer(1, 10), 3, 85_000),                                  # 3.3 kg of na
             Item(offer(2, 20, price=180_000, weight_grams=800), 2, 180_000),  # 1.6 kg of honey
             Item(offer(3, 10, price=250_000, weight_grams=3_000), 1, 250_000)]
    na, honey = cart.groups(items, rates, in_province={20: True})
    assert (na.cooperative_id, [i.offer.product_id for i in na.items]) == (10, [1, 3])
    assert (na.subtotal, na.weight_grams, na.shipping) == (505_000, 6_300, 0)  # free from 500,000
    assert (honey.subtotal, honey.weight_grams, honey.shipping) == (360_000, 1_600, 15_000 + 2 * 4_000)
    assert honey.total == 383_000
