"""Every allowed and every refused transition of a vendor order, and what a buyer sees."""
from itertools import product

import pytest

from marketplace.orders import states
from marketplace.orders.states import Actor, TransitionRefused, VendorOrderState

S, A = VendorOrderState, Actor

ALLOWED = {
    (S.PENDING_PAYMENT, S.PLACED, A.SYSTEM),
    (S.PLACED, S.CONFIRMED, A.COOPERATIVE),
    (S.CONFIRMED, S.PACKED, A.COOPERATIVE),
    (S.PACKED, S.SHIPPED, A.COOPERATIVE),
    (S.SHIPPED, S.DELIVERED, A.COOPERATIVE),
    (S.SHIPPED, S.DELIVERED, A.SYSTEM),
    (S.DELIVERED, S.COMPLETED, A.BUYER),
    (S.DELIVERED, S.COMPLETED, A.SYSTEM),
    (S.PENDING_PAYMENT, S.CANCELLED, A.BUYER),
    (S.PENDING_PAYMENT, S.CANCELLED, A.SYSTEM),
    (S.PLACED, S.CANCELLED, A.BUYER),
    (S.PENDING_PAYMENT, S.CANCELLED, A.COOPERATIVE),
    (S.PLACED, S.CANCELLED, A.COOPERATIVE),
    (S.CONFIRMED, S.CANCELLED, A.COOPERATIVE),
    (S.PACKED, S.CANCELLED, A.COOPERATIVE),
}
# All that any move could need, so that only the table decides.
EVERYTHING = {"reason": "a reason", "carrier": "Viettel Post", "tracking_number": "VTP123"}


@pytest.mark.parametrize("source, target, actor", sorted(product(S, S, A)))
def test_each_move_is_allowed_exactly_when_the_table_says(source, target, actor):
    if (source, target, actor) in ALLOWED:
        states.check(source, target, actor, **EVERYTHING)
    else:
        with pytest.raises(TransitionRefused):
            states.check(source, target, actor, **EVERYTHING)


def test_refusals_say_why():
    with pytest.raises(TransitionRefused) as refused:
        states.check(S.CONFIRMED, S.CANCELLED, A.BUYER)  # the cooperative has confirmed: too late for the buyer
    assert refused.value.reason == states.NOT_YOURS_TO_MAKE
    with pytest.raises(TransitionRefused) as refused:
        states.check(S.SHIPPED, S.CANCELLED, A.COOPERATIVE, reason="hết hàng")
    assert refused.value.reason == states.NOT_A_TRANSITION
    with pytest.raises(TransitionRefused) as refused:
        states.check(S.PLACED, S.CANCELLED, A.COOPERATIVE, reason="  ")
    assert refused.value.reason == states.REASON_NEEDED
    with pytest.raises(TransitionRefused) as refused:
        states.check(S.PACKED, S.SHIPPED, A.COOPERATIVE, carrier="GHN", tracking_number="")
    assert refused.value.reason == states.TRACKING_NEEDED


def test_what_each_actor_may_do_next():
    assert states.next_states(S.PLACED, A.COOPERATIVE) == [S.CONFIRMED, S.CANCELLED]
    assert states.next_states(S.PLACED, A.BUYER) == [S.CANCELLED]
    assert states.next_states(S.SHIPPED, A.BUYER) == []
    assert states.next_states(S.CANCELLED, A.SYSTEM) == []


def test_cancelling_returns_stock():
    assert states.returns_stock(S.PACKED, S.CANCELLED) and not states.returns_stock(S.PACKED, S.SHIPPED)


@pytest.mark.parametrize("parts, expected", [
    ([S.PLACED, S.SHIPPED], S.PLACED),
    ([S.DELIVERED, S.CANCELLED], S.DELIVERED),
    ([S.CANCELLED, S.CANCELLED], S.CANCELLED),
    ([S.PENDING_PAYMENT, S.COMPLETED], S.PENDING_PAYMENT),
    ([S.COMPLETED, S.COMPLETED], S.COMPLETED),
])
def test_the_buyer_sees_the_least_advanced_part_still_going(parts, expected):
    assert states.combined(parts) == expected
