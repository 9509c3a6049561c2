"""Redirect targets that cannot lead off-site."""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this site, otherwise `default`.

    Refuses absolute URLs, scheme-relative ones (//evil.example), backslash tricks
    (/\\evil.example, which browsers read as //) and control characters.
    """
    if not target or any(ord(ch) < 32 for ch in target):
        return default
    candidate = target.replace("\\", "/")
    if not candidate.startswith("/") or candidate.startswith("//"):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return target
