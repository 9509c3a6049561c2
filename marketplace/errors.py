"""Friendly error pages in the visitor's language, for every error a page can hit."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .api import is_api_request
from .extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("Something in this request was not right. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("The page you were looking for does not exist or has moved.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    410: (_l("No longer available"), _l("This link is no longer valid.")),
    413: (_l("File too large"), _l("What you sent is too large. Choose a smaller file and try again.")),
    429: (
        _l("Too many attempts"),
        _l("You have tried too many times in a short while. Wait a few minutes, then try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("Sorry, something went wrong on our side. It has been logged; please try again shortly."),
    ),
}
NUL_MESSAGE = _l(
    "What you sent contains a character that cannot be stored (a NUL character). Remove it and try again."
)
CSRF_MESSAGE = _l(
    "This form has expired or was sent from another site. Reload the page and send it again."
)


def render_error(code: int, message=None):
    title, default_message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    if is_api_request(request.path):
        return jsonify({"error": {"status": code, "message": str(message or default_message)}}), code
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    ), code


def _http_error(error: HTTPException):
    return render_error(error.code or 500)


def _csrf_error(error: CSRFError):
    log.info("CSRF check failed on %s %s: %s", request.method, request.path, error.description)
    return render_error(400, CSRF_MESSAGE)


def _server_error(error: Exception):
    original = getattr(error, "original_exception", None) or error
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
    db.session.rollback()
    return render_error(500)


def _refuse_nul_characters():
    """PostgreSQL cannot store a NUL character in text and would fail on one; refused for every form
    field and query-string value at once, instead of on each field."""
    sent = [*request.args.lists(), *(request.form.lists() if request.method in ("POST", "PUT", "PATCH") else ())]
    if any("\x00" in key or any("\x00" in value for value in values) for key, values in sent):
        return render_error(400, NUL_MESSAGE)
    return None


def register_error_handlers(app) -> None:
    app.before_request(_refuse_nul_characters)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
