"""Account emails, written in the language of the request that triggers them."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _

from ..extensions import mailer


def send_password_reset(user, link: str) -> None:
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
    mailer.send(
        to=user.email,
        subject=_("Choose a new password for Chợ HTX"),
        body=render_template("email/password_reset.txt", user=user, link=link, minutes=minutes),
    )
