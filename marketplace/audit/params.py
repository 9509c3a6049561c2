"""Reading the audit log's filters from a query string into AuditFilters. Pure.

`args` is any mapping with `get(name)` (werkzeug's MultiDict). Empty values count as absent,
as browsers send empty form fields. Bad values raise InvalidFilter naming the parameter and a
reason code that the page words in the visitor's language.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from ..common.querystring import MAX_ID, MAX_PAGE

FIRST_YEAR, LAST_YEAR = 2000, 2999
MAX_ACTOR_LENGTH = 254
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
_VIETNAMESE_DATE = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")


class Reason(enum.StrEnum):
    NOT_A_DATE = "not_a_date"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_VALUE = "unknown_value"
    FROM_AFTER_TO = "from_after_to"


class InvalidFilter(ValueError):
    def __init__(self, name: str, reason: Reason):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class AuditFilters:
    """Which audit entries to list: every given condition holds. Dates are Vietnam dates, inclusive."""

    actor: str = ""
    cooperative_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def _one(args, name: str) -> str | None:
    return (args.get(name) or "").strip() or None


def _date(args, name: str) -> date | None:
    """A date written 2026-03-05 (what date inputs send) or 05/03/2026 (how Vietnamese write it)."""
    raw = _one(args, name)
    if raw is None:
        return None
    match = _ISO_DATE.fullmatch(raw) or _VIETNAMESE_DATE.fullmatch(raw)
    if match is None:
        raise InvalidFilter(name, Reason.NOT_A_DATE)
    try:
        value = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise InvalidFilter(name, Reason.NOT_A_DATE) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidFilter(name, Reason.OUT_OF_RANGE)
    return value


def _positive_integer(args, name: str, high: int) -> int | None:
    raw = _one(args, name)
    if raw is None:
        return None
    if not re.fullmatch(r"[0-9]{1,10}", raw) or not 1 <= int(raw) <= high:
        raise InvalidFilter(name, Reason.UNKNOWN_VALUE)
    return int(raw)


def _printable(text: str) -> str:
    """The text without control characters (PostgreSQL refuses NUL in a query)."""
    return "".join(char for char in text if char.isprintable())


def parse_audit_filters(args, known_actions: Collection[str], *,
                        own_cooperative_id: int | None = None) -> AuditFilters:
    """The filters of the query string; `own_cooperative_id` (an owner's page) replaces its cooperative."""
    action = _one(args, "action")
    if action is not None and action not in known_actions:
        raise InvalidFilter("action", Reason.UNKNOWN_VALUE)
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidFilter("to", Reason.FROM_AFTER_TO)
    if own_cooperative_id is None:
        cooperative_id = _positive_integer(args, "cooperative", MAX_ID)
    else:
        cooperative_id = own_cooperative_id
    return AuditFilters(
        actor=_printable(_one(args, "actor") or "")[:MAX_ACTOR_LENGTH],
        cooperative_id=cooperative_id,
        action=action,
        date_from=date_from,
        date_to=date_to,
        page=_positive_integer(args, "page", MAX_PAGE) or 1,
    )
