"""The cooperative's order pages: the state-change form and the words of its buttons."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..accounts.forms import REQUIRED
from ..vendors.forms import stripped
from . import states
from .states import VendorOrderState

S = VendorOrderState

# What the button that moves an order to a state says.
ACTION_NAMES = {
    S.CONFIRMED: _l("Confirm the order"),
    S.PACKED: _l("Mark as packed"),
    S.SHIPPED: _l("Mark as shipped"),
    S.DELIVERED: _l("Mark as delivered"),
    S.CANCELLED: _l("Cancel the order"),
}


class StateChangeForm(FlaskForm):
    """Move a vendor order to `to`. Which fields a move needs (a reason to cancel, the carrier and
    tracking number to ship) is orders.states' rule: mark_missing() turns its refusal into errors."""

    to = StringField(validators=[DataRequired(message=_l("Choose what to do with the order.")),
                                 AnyOf([state.value for state in S], message=_l("Choose what to do with the order."))])
    reason = TextAreaField(_l("Reason for cancelling (the buyer will read it)"),
                           validators=[Optional(), Length(max=2000)], filters=[stripped], default="")
    carrier = StringField(_l("Carrier"), validators=[Optional(), Length(max=80)], filters=[stripped], default="",
                          description=_l("For example: Viettel Post, GHN, VNPost."))
    tracking_number = StringField(_l("Tracking number"), validators=[Optional(), Length(max=60)],
                                  filters=[stripped], default="")

    @property
    def target(self) -> VendorOrderState:
        return S(self.to.data)

    def mark_missing(self, refusal: str) -> None:
        """Put REQUIRED on the empty fields that orders.states refused the move for."""
        needed = {states.REASON_NEEDED: (self.reason,),
                  states.TRACKING_NEEDED: (self.carrier, self.tracking_number)}[refusal]
        for field in needed:
            if not (field.data or "").strip():
                field.errors = [*field.errors, REQUIRED]
