"""Background jobs: `enqueue(send_order_email, order_id)` after the caller's transaction commits.

With REDIS_URL set, the call goes on an RQ queue and `flask --app wsgi worker` runs it;
without it, the call runs inline, at once, in the same process. Either way the job body
goes through `run_job`: the function is looked up by its dotted path and runs in an app
context of its own (its own `g` and database session), with the arguments as JSON gives
them back. A failure never reaches the caller: inline it is logged; on RQ the job is
retried, then kept in the queue's failed job registry.
"""
from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis, RedisError
from rq import Queue, Retry, Worker

from .database import in_write_intent
from .extensions import db

QUEUE_NAME = "default"
RETRY_INTERVALS = [10, 60, 300]  # seconds before each retry of a failed job on RQ

log = logging.getLogger(__name__)


def enqueue(func: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """Run `func(*args, **kwargs)` as a job: on the RQ queue when REDIS_URL is set, else now.

    `func` must be a module-level function and the arguments plain JSON values (ids,
    strings), never ORM objects: a job reads its rows afresh. TypeError otherwise.
    """
    path = dotted_path(func)
    try:
        plain_args, plain_kwargs = json.loads(json.dumps([args, kwargs]))
    except (TypeError, ValueError) as error:
        raise TypeError(f"job {path}: arguments must be plain JSON values (ids, strings): {error}") from None
    if in_write_intent():
        # The job could run before the rows it reads are committed (inline on SQLite: wait for the lock).
        raise RuntimeError(f"job {path} enqueued inside a write transaction: enqueue after the commit")
    app: Flask = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        try:
            run_job(path, plain_args, plain_kwargs)
        except Exception:
            log.exception("job %s failed", path)
        return
    try:
        get_queue(app).enqueue_call(
            run_job, args=(path, plain_args, plain_kwargs),
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
        )
    except RedisError:
        # The caller has committed (an order is placed): a lost email must not turn it into a 500.
        log.exception("job %s could not be queued", path)


def run_job(path: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """The body of every job, inline or in the worker: `path(*args, **kwargs)` in a fresh app context."""
    func = _resolve(path)
    app = current_app._get_current_object() if has_app_context() else _worker_app()
    with app.app_context():
        func(*args, **kwargs)


def get_queue(app: Flask | None = None) -> Queue:
    """The app's RQ queue (REDIS_URL must be set); one Redis connection pool per app."""
    app = app or current_app._get_current_object()
    queue = app.extensions.get("rq_queue")
    if queue is None:
        queue = Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))
        app.extensions["rq_queue"] = queue
    return queue


def work(burst: bool = False) -> bool:
    """Run an RQ worker on the queue for the current app, until stopped (or the queue is empty, with `burst`).

    Each job runs in a forked child process, which inherits the app and its context.
    Returns whether any job was run.
    """
    # Pooled database connections must not be shared by the worker and its forked children.
    for engine in db.engines.values():
        engine.dispose()
    queue = get_queue()
    # The scheduler is what puts a job back on the queue when its retry interval is over.
    return Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)


def dotted_path(func: Callable[..., object]) -> str:
    """'package.module.function' for a module-level function; TypeError for anything else."""
    path = f"{getattr(func, '__module__', None)}.{getattr(func, '__qualname__', None)}"
    try:
        if _resolve(path) is func:
            return path
    except (ImportError, AttributeError, ValueError):
        pass
    raise TypeError(f"a job must be a module-level function, not {func!r}")


def _resolve(path: str) -> Callable[..., object]:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


_app: Flask | None = None


def _worker_app() -> Flask:
    """The app, created once per process, for a worker started without one (e.g. by `rq worker`)."""
    global _app
    if _app is None:
        from . import create_app

        _app = create_app()
    return _app
