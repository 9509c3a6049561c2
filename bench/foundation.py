"""Measure the foundation's hot paths on a fresh SQLite database and, when TEST_DATABASE_URL names
a PostgreSQL server, on a scratch database made and dropped there.

- home page: the storefront shell with the demo data, the most visited page;
- login: one POST with a right password (dominated, on purpose, by the scrypt hash);
- concurrent logins over real HTTP from 8 threads: SQLite write transactions queue, none fail.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import requests
from flask_migrate import upgrade
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.demo import DEMO_PASSWORD, load_demo_data
from marketplace.extensions import db

from .common import backends, percentiles, scratch_database, timed


def _summary(samples: list[float]) -> str:
    p50, p95 = percentiles(samples)
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, {len(samples) / sum(samples):.0f} req/s (1 thread)"


def main() -> None:
    for kind in backends():
        with scratch_database(kind) as url:
            run(url)


def run(url: str) -> None:
    app = create_app({"ENVIRON": {"SECRET_KEY": "bench", "DATABASE_URL": url, "MAIL_BACKEND": "memory",
                                  "RATELIMIT_ENABLED": "0"}, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        load_demo_data()
        db.session.remove()
    client = app.test_client()
    print(f"database: {url.split('://')[0]}")

    print(f"GET / (demo data, cached):   {_summary(timed(lambda: client.get('/'), 300))}")

    def login():
        client.post("/account/login", data={"email": "buyer@example.com", "password": DEMO_PASSWORD})
        client.post("/account/logout")

    print(f"login + logout:              {_summary(timed(login, 30))}")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    with ThreadPoolExecutor(1) as runner:
        runner.submit(server.serve_forever)
        n = 64
        start = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: requests.post(
                f"{base}/account/login", allow_redirects=False, timeout=60,
                data={"email": "buyer@example.com", "password": DEMO_PASSWORD}).status_code, range(n)))
        elapsed = time.perf_counter() - start
        server.shutdown()
    with app.app_context():
        db.engine.dispose()
    failures = sum(status != 302 for status in statuses)
    print(f"{n} logins, 8 threads, HTTP:  {n / elapsed:.0f} logins/s, {failures} failed")


if __name__ == "__main__":
    main()
