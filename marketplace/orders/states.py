"""The life of a vendor order (one cooperative's part of an order): the one place that decides
which transitions exist, who may make them and what each needs. Pure: no Flask, no database.

pending_payment → placed → confirmed → packed → shipped → delivered → completed, and cancelled:
by the buyer before the cooperative confirms, by the cooperative with a reason until it ships,
by the system when an unpaid reservation expires.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class VendorOrderState(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PLACED = "placed"
    CONFIRMED = "confirmed"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Actor(enum.StrEnum):
    BUYER = "buyer"
    COOPERATIVE = "cooperative"
    SYSTEM = "system"  # payments, expiry of reservations, automatic completion


S, A = VendorOrderState, Actor
# The order a vendor order moves along; cancelled stands apart.
PROGRESS = (S.PENDING_PAYMENT, S.PLACED, S.CONFIRMED, S.PACKED, S.SHIPPED, S.DELIVERED, S.COMPLETED)


@dataclass(frozen=True)
class Transition:
    source: VendorOrderState
    target: VendorOrderState
    actors: frozenset[Actor]
    needs_reason: bool = False
    needs_tracking: bool = False


def _t(source, target, *actors, needs_reason=False, needs_tracking=False) -> Transition:
    return Transition(source, target, frozenset(actors), needs_reason, needs_tracking)


TRANSITIONS = (
    _t(S.PENDING_PAYMENT, S.PLACED, A.SYSTEM),  # paid
    _t(S.PLACED, S.CONFIRMED, A.COOPERATIVE),
    _t(S.CONFIRMED, S.PACKED, A.COOPERATIVE),
    _t(S.PACKED, S.SHIPPED, A.COOPERATIVE, needs_tracking=True),
    _t(S.SHIPPED, S.DELIVERED, A.COOPERATIVE, A.SYSTEM),
    _t(S.DELIVERED, S.COMPLETED, A.BUYER, A.SYSTEM),
    _t(S.PENDING_PAYMENT, S.CANCELLED, A.BUYER, A.SYSTEM),
    _t(S.PLACED, S.CANCELLED, A.BUYER),
    *(_t(source, S.CANCELLED, A.COOPERATIVE, needs_reason=True)
      for source in (S.PENDING_PAYMENT, S.PLACED, S.CONFIRMED, S.PACKED)),
)


class TransitionRefused(Exception):
    """The move is not allowed; `reason` is one of the reasons below (for a message)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


NOT_A_TRANSITION = "not_a_transition"  # no such move from this state
NOT_YOURS_TO_MAKE = "not_yours_to_make"  # the move exists, for someone else
REASON_NEEDED = "reason_needed"
TRACKING_NEEDED = "tracking_needed"


def _transition(source: VendorOrderState, target: VendorOrderState, actor: Actor) -> Transition:
    candidates = [t for t in TRANSITIONS if t.source == source and t.target == target]
    if not candidates:
        raise TransitionRefused(NOT_A_TRANSITION)
    for transition in candidates:
        if actor in transition.actors:
            return transition
    raise TransitionRefused(NOT_YOURS_TO_MAKE)


def check(source: VendorOrderState, target: VendorOrderState, actor: Actor, *, reason: str = "",
          carrier: str = "", tracking_number: str = "") -> Transition:
    """The transition if `actor` may move a vendor order from `source` to `target` with what is
    given; TransitionRefused otherwise."""
    transition = _transition(source, target, actor)
    if transition.needs_reason and not reason.strip():
        raise TransitionRefused(REASON_NEEDED)
    if transition.needs_tracking and not (carrier.strip() and tracking_number.strip()):
        raise TransitionRefused(TRACKING_NEEDED)
    return transition


def next_states(source: VendorOrderState, actor: Actor) -> list[VendorOrderState]:
    """Where `actor` may move a vendor order from `source`, in the order of PROGRESS then cancelled."""
    targets = {t.target for t in TRANSITIONS if t.source == source and actor in t.actors}
    return [state for state in (*PROGRESS, S.CANCELLED) if state in targets]


def returns_stock(source: VendorOrderState, target: VendorOrderState) -> bool:
    """Cancelling gives the reserved or sold units back to stock: nothing has left the cooperative."""
    return target == S.CANCELLED and source != S.CANCELLED


def combined(states: Iterable[VendorOrderState]) -> VendorOrderState:
    """The buyer's order as one status: cancelled when every part is, else the least advanced of
    the parts still going (an order is delivered when its last part is)."""
    going = [state for state in states if state != S.CANCELLED]
    if not going:
        return S.CANCELLED
    return min(going, key=PROGRESS.index)
