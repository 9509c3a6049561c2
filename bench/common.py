"""What the benchmarks share: the databases they run on, timing and percentiles."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from datetime import date

from marketplace import PROJECT_ROOT
from marketplace.database import create_scratch_database, drop_scratch_database

SCRATCH_PREFIX = "coop_bench"


def backends() -> list[str]:
    """SQLite always; PostgreSQL when TEST_DATABASE_URL names a server."""
    return ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@contextmanager
def scratch_database(kind: str):
    """An empty database of this kind, made here and removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    url = create_scratch_database(os.environ["TEST_DATABASE_URL"], SCRATCH_PREFIX)
    try:
        yield url
    finally:
        drop_scratch_database(url, SCRATCH_PREFIX)


@contextmanager
def gunicorn(module: str, port: int, env: dict, options: list[str], probe_path: str):
    """gunicorn serving `module` on 127.0.0.1:`port` with `options` and `env` added to the environment,
    once it answers `probe_path`; stopped afterwards."""
    command = [str(Path(sys.executable).with_name("gunicorn")), *options, "--bind", f"127.0.0.1:{port}", module]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **env})
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{probe_path}", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"{module} did not start on port {port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def timed(call, repeats: int) -> list[float]:
    """Seconds per call for `repeats` calls, after one warm-up call (caches, compiled templates)."""
    call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, round(len(ordered) * 0.95) - 1)] * 1000


def write_results(name: str, report: str) -> None:
    """Keep a run's report as bench/results/<name>-<date>.md, and print it."""
    results = PROJECT_ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{name}-{date.today().isoformat()}.md").write_text(report, encoding="utf-8")
    print(report)
