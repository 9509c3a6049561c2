"""Which payment methods checkout offers."""
from __future__ import annotations

from collections.abc import Mapping

from ..orders.models import PaymentMethod


def offered_methods(config: Mapping) -> tuple[PaymentMethod, ...]:
    """Cash on delivery and bank transfer always; card when a gateway's secret key is configured."""
    card = (PaymentMethod.CARD,) if config.get("STRIPE_SECRET_KEY") else ()
    return (PaymentMethod.COD, PaymentMethod.BANK_TRANSFER, *card)
