"""One transaction per service call."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from .database import in_write_intent, write_intent
from .extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def write_transaction(service: Callable[P, R]) -> Callable[P, R]:
    """Run a service that writes in one transaction of its own: commit on return, roll back on error.

    A read transaction the request had open is ended first, so the write transaction
    begins fresh (IMMEDIATE on SQLite) and sees the latest committed data. A service
    called from inside another joins the outer transaction.
    """

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if in_write_intent():
            return service(*args, **kwargs)
        session = db.session
        if session.new or session.dirty or session.deleted:
            raise RuntimeError(f"unsaved changes in the session before {service.__name__}()")
        session.commit()
        with write_intent():
            try:
                result = service(*args, **kwargs)
                session.commit()
            except BaseException:
                session.rollback()
                raise
        return result

    return wrapper
