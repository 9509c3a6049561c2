"""Vietnam time: stored times are UTC, what people see and count by is Asia/Ho_Chi_Minh."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def vietnam_today(now: datetime | None = None) -> date:
    return (now or datetime.now(VIETNAM)).astimezone(VIETNAM).date()


def vietnam_day_start(day: date) -> datetime:
    """The UTC instant at which `day` begins in Vietnam (00:00 there is 17:00 UTC the day before)."""
    return datetime.combine(day, time(), VIETNAM).astimezone(timezone.utc)


def vietnam_day_end(day: date) -> datetime:
    """The UTC instant at which `day` ends in Vietnam: the start of the next day, exclusive."""
    return vietnam_day_start(day + timedelta(days=1))
