"""Links that change one thing in the current query string (filter chips, facets, pages). Pure."""
from __future__ import annotations

from urllib.parse import urlencode

MAX_ID = 2**31 - 1  # the largest PostgreSQL integer: a larger id from a URL or form matches nothing
MAX_PAGE = 10_000


def with_changes(path: str, args, *, drop: tuple[str, ...] = ("page",), **changes) -> str:
    """`path?query` with `changes` applied to the current `args` (a MultiDict-like object).

    A change to None removes the parameter; a change to (name, value) pairs in a
    `remove_value` form is done by passing `remove_value=("cert", "ocop")`. The page
    number is dropped by default, since any other change starts the list again.
    """
    remove_value = changes.pop("remove_value", None)
    pairs = [
        (key, value)
        for key in args.keys()
        if key not in changes and key not in drop
        for value in args.getlist(key)
        if value != "" and (key, value) != remove_value
    ]
    for key, value in changes.items():
        if value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((key, str(item)))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def pager_urls(path: str, args, page: int, has_next: bool) -> dict[str, str | None]:
    """The previous and next pages' URLs of a paged list (None where there is none), its other
    query parameters kept: as `previous_url` and `next_url` for the pager macro."""
    def url(number: int) -> str:
        return with_changes(path, args, drop=(), page=number if number > 1 else None)

    return {"previous_url": url(page - 1) if page > 1 else None, "next_url": url(page + 1) if has_next else None}


def page_number(args) -> int:
    """The `page` asked for, from 1 to MAX_PAGE (1 when missing or not a number)."""
    return min(max(args.get("page", 1, type=int), 1), MAX_PAGE)
