"""Why a settings change was refused, said to people in their language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import images
from . import settings as s

REFUSALS = {
    images.NOT_AN_IMAGE: _l("This file is not a JPEG, PNG or WebP image. Choose a photo or a picture file."),
    images.TOO_MANY_BYTES: _l("This image is larger than 8 MB. Choose a smaller one."),
    images.TOO_MANY_PIXELS: _l("This image has too many pixels (at most 40 megapixels). Choose a smaller one."),
    s.SAME_ACCOUNT: _l("This is already the cooperative's bank account: nothing to change."),
    s.NO_PENDING_CHANGE: _l("There is no bank account change waiting for verification any more."),
    s.PENDING_CHANGED: _l("The owner asked for another account meanwhile. Check the new request below."),
}


def refusal_message(reason: str) -> str:
    return str(REFUSALS[reason])
