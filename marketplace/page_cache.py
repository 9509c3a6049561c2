"""Whole storefront pages and API answers cached for anonymous visitors, under the catalog version.

Only a GET from a visitor with no session or remember-me cookie is served from or stored in the
cache, and only a 200 response whose rendering left the session untouched (no CSRF token, no
flashed message) is stored: anything personal can never reach another visitor. Entries are keyed
by the full path and the language, and expire with the catalog version (marketplace.catalog.cache).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, make_response, request, session

from .catalog.cache import current_version, results_cache
from .i18n import current_language


def _anonymous_get() -> bool:
    config = current_app.config
    cookies = request.cookies
    return (
        request.method == "GET"
        and config["SESSION_COOKIE_NAME"] not in cookies
        and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
    )


def cached_page(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = results_cache()
        if not cache.enabled or not _anonymous_get():
            return view(*args, **kwargs)
        key, version = ("page", request.full_path, current_language()), current_version()
        hit = cache.get(key, version)
        if hit is not None:
            body, mimetype = hit
            return current_app.response_class(body, mimetype=mimetype)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not session.modified and not session and not response.direct_passthrough:
            cache.put(key, version, (response.get_data(), response.mimetype))
        return response

    return wrapper
