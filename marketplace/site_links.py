"""Absolute links on the public site (SITE_URL) for emails: built the same in a request, a job or
the CLI, where there is no request to take the host from."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def site_url(endpoint: str, **values) -> str:
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)
