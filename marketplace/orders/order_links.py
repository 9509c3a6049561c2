"""Signed links to an order: a guest reaches their order only through one, so an order number
alone (seen on a parcel, or guessed) shows nothing. The key is an HMAC of the number under the
app's secret key; it never expires, as the link is printed on the confirmation and in emails."""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import Signer

from ..site_links import site_url

SALT = "order-link"


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=SALT, digest_method=hashlib.sha256)


def order_key(number: str) -> str:
    return _signer().get_signature(number).decode("ascii")


def key_matches(number: str, key: str | None) -> bool:
    return bool(key) and _signer().verify_signature(number, key)


def order_link(order) -> str:
    """The order page's absolute address on SITE_URL, with its key: works in a request, a job or the CLI."""
    return site_url("checkout.order_page", number=order.number, key=order_key(order.number))
