"""Background jobs: inline without REDIS_URL, on RQ with it; the same job body either way."""
from __future__ import annotations

import logging

import pytest
from flask import current_app, g
from rq import SimpleWorker
from rq.job import JobStatus
from rq.registry import ScheduledJobRegistry

from marketplace.extensions import db, mailer
from marketplace.jobs import enqueue, get_queue
from marketplace.models import User
from marketplace.transaction import write_transaction

from .factories import make_user


# Jobs: module-level, so that a worker finds them by their dotted path.

def rename_and_tell(user_id: int, name: str) -> None:
    assert "request_marker" not in g  # a context of its own, not the caller's
    user = db.session.get(User, user_id)
    user.full_name = name
    db.session.commit()
    mailer.send(user.email, "Tên mới", f"{name}: {current_app.config['SITE_URL']}/account")


def fail(reason: str) -> None:
    raise RuntimeError(reason)


def renamed(user_id: int) -> str:
    db.session.commit()  # ends the test's read transaction, whose snapshot predates the job's commit
    return db.session.get(User, user_id).full_name


def test_without_redis_the_job_runs_at_once_in_an_app_context_of_its_own(app, buyer, outbox):
    g.request_marker = True

    enqueue(rename_and_tell, buyer.id, name="Mai Nguyễn")

    assert renamed(buyer.id) == "Mai Nguyễn"
    assert [(m["To"], m.get_content().strip()) for m in outbox] == [
        ("mai@example.com", "Mai Nguyễn: http://localhost/account")
    ]


def test_an_inline_failure_is_logged_not_raised(app, caplog):
    with caplog.at_level(logging.ERROR, logger="marketplace.jobs"):
        enqueue(fail, "SMTP down")

    [record] = caplog.records
    assert record.getMessage() == "job tests.test_jobs.fail failed" and "SMTP down" in caplog.text


@pytest.mark.parametrize("call", [
    lambda user: enqueue(rename_and_tell, user, "x"),
    lambda user: enqueue(rename_and_tell, user.id, name=user),
    lambda user: enqueue(lambda: None),
], ids=["orm-argument", "orm-keyword", "lambda"])
def test_a_job_takes_a_module_level_function_and_plain_values(app, buyer, outbox, call):
    with pytest.raises(TypeError):
        call(buyer)
    assert renamed(buyer.id) != "x" and outbox == []


def test_a_job_is_not_enqueued_inside_a_write_transaction(app, buyer):
    with pytest.raises(RuntimeError, match="after the commit"):
        write_transaction(enqueue)(rename_and_tell, buyer.id, "x")


# With REDIS_URL: the real Redis (the redis_app fixture).

def test_with_redis_the_job_waits_for_a_worker_that_runs_it_in_an_app_context(redis_app):
    user = make_user(email="an@example.com")
    queue = get_queue()

    enqueue(rename_and_tell, user.id, "An Trần")

    assert queue.count == 1 and renamed(user.id) != "An Trần" and mailer.outbox == []
    assert SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert renamed(user.id) == "An Trần" and [m["To"] for m in mailer.outbox] == ["an@example.com"]


def test_with_redis_a_failed_job_is_scheduled_for_a_retry(redis_app):
    queue = get_queue()
    enqueue(fail, "SMTP down")

    SimpleWorker([queue], connection=queue.connection).work(burst=True)

    [job_id] = ScheduledJobRegistry(queue=queue).get_job_ids()
    job = queue.fetch_job(job_id)
    assert job.get_status() == JobStatus.SCHEDULED and job.retries_left == 2


def test_the_worker_command_runs_the_queued_jobs(redis_app):
    user = make_user()
    enqueue(rename_and_tell, user.id, "Bình Lê")

    result = redis_app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 0, result.output
    assert renamed(user.id) == "Bình Lê" and get_queue().count == 0


def test_the_worker_command_refuses_without_redis(runner):
    result = runner.invoke(args=["worker"])

    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output
