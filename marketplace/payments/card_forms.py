"""The pay-by-card form: one attempt per form shown, and, on the local test server, the test card."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import DataRequired, Regexp

from .card import TEST_CARDS

EXPIRED = _l("This form has expired. Check the amount and pay again.")
TEST_CARD_LABELS = {"succeeding": _l("A card that pays (pm_card_visa)"),
                    "declined": _l("A card that is declined (pm_card_chargeCustomerFail)")}


class PayForm(FlaskForm):
    attempt = HiddenField(validators=[Regexp(r"^[0-9a-f]{16}$", message=EXPIRED)])
    test_card = RadioField(_l("Test card"), default="succeeding",
                           choices=[(name, TEST_CARD_LABELS[name]) for name in TEST_CARDS],
                           validators=[DataRequired(message=_l("Choose a test card."))])

    def __init__(self, *args, test_server: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not test_server:  # the gateway's own form takes the card
            del self.test_card
