"""Why a quantity cannot go in the cart, said to buyers in their language."""
from __future__ import annotations

from flask_babel import gettext as _

from . import cart
from .placement import NO_TRANSFERS


def item_problems(groups, products) -> dict[int, str]:
    """What stops each cart item from being ordered as it is, by product id (for the cart pages)."""
    return {item.offer.product_id: problem_message(item.problem, products[item.offer.product_id].name)
            for group in groups for item in group.items if item.problem}


def cart_problem_message(refused) -> str:
    """For a CartRefused or a PlacementRefused."""
    return problem_message(refused.problem, refused.name)


def problem_message(problem: cart.Problem, name: str) -> str:
    if problem.kind == NO_TRANSFERS:
        return _("%(name)s cannot be paid by bank transfer yet: choose another payment method.", name=name)
    if problem.kind == cart.BELOW_MINIMUM:
        return _("%(name)s is sold from %(n)d at a time.", name=name, n=problem.limit)
    if problem.kind == cart.ABOVE_MAXIMUM:
        return _("You can order at most %(n)d of %(name)s at a time.", name=name or _("a product"), n=problem.limit)
    if problem.kind == cart.NOT_ENOUGH_STOCK and problem.limit <= 0:
        return _("%(name)s is sold out.", name=name)
    if problem.kind == cart.NOT_ENOUGH_STOCK:
        return _("Only %(n)d of %(name)s left.", name=name, n=problem.limit)
    if name:
        return _("%(name)s cannot be ordered at the moment.", name=name)
    return _("This product cannot be ordered at the moment.")
