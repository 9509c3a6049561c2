"""Read-only JSON API (v1) over the public catalog: the same visibility rules as the pages."""

# Requests under this path get JSON errors and follow Accept-Language (marketplace.errors, .i18n).
API_PREFIX = "/api/"


def is_api_request(path: str) -> bool:
    return path.startswith(API_PREFIX)
