"""Catalog benchmark at Lạng Sơn's scale: 453 cooperatives, 5,000 and 50,000 products.

For each database (SQLite always; PostgreSQL when TEST_DATABASE_URL names a server, in a
scratch database made and dropped here) and each catalog size it reports p50/p95, with the
catalog cache switched off (what every query costs when computed), of
- search: the ranked search query with its count (catalog.listing.find_products, no page);
- list pages: GET /products with searches, filters, sorts and deep pages (Flask test client);
- product pages: GET /products/<slug>;
and the same list pages with the cache on, as repeat visitors get them. At the largest size
it serves the app (cache on, as deployed, and off) and a bare Flask+Jinja app rendering the
same 24 products from memory (bench/bare_app.py) with the same gunicorn settings, drives each
with wrk at the same concurrency, and reports requests/s and the ratios; and it weighs the
list page and the CSS+JS. Results go to bench/results/catalog-<date>.md and the terminal.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from marketplace import PROJECT_ROOT, create_app
from marketplace.catalog.listing import ProductQuery, Sort, find_products
from marketplace.common.vntime import vietnam_today
from marketplace.database import refresh_planner_statistics
from marketplace.extensions import db

from .catalog_data import generate_catalog
from .common import backends, gunicorn, percentiles, scratch_database, timed, write_results

# BENCH_CATALOG_SIZES=500,2000 for a quick trial run.
SIZES = tuple(int(n) for n in os.environ.get("BENCH_CATALOG_SIZES", "5000,50000").split(","))
REPEATS = 15
SEARCHES = ["mat ong", "mật ong", "na chi", "na chi lang", "gao nep", "dau", "ca tram long", "trung vit",
            "thit lon den", "che shan tuyet", "hoi", "lang son"]
LIST_URLS = ["/products", "/products?page={middle}", "/products?category=trai-cay", "/products?category=mat-ong&sort=price_asc",
             "/products?cert=ocop", "/products?in_stock=1&sort=newest", "/products?min_price=50000&max_price=150000",
             "/products?sort=price_desc&page={middle}", "/products?q=mat+ong", "/products?q=na+chi&in_stock=1",
             "/products?q=gao+nep&sort=price_asc", "/products?q=lang+son", "/coops/bench-htx-7"]
WRK_SECONDS, WRK_CONNECTIONS, WRK_THREADS = 10, 16, 2
GUNICORN = ["--workers", "2", "--worker-class", "sync", "--log-level", "warning"]


def environment(url: str, cache: bool = True) -> dict:
    return {"SECRET_KEY": "bench", "DATABASE_URL": url, "MAIL_BACKEND": "memory", "RATELIMIT_ENABLED": "0",
            "MARKETPLACE_ENV": "development", "CATALOG_CACHE_SECONDS": "60" if cache else "0"}


def measure_latency(app, cached_app, today: date) -> dict:
    client = app.test_client()
    with app.app_context():
        search = {q: timed(lambda q=q: find_products(ProductQuery(q=q), today, with_facets=False), REPEATS)
                  for q in SEARCHES}
        db.session.remove()
    with app.app_context():
        newest = find_products(ProductQuery(sort=Sort.NEWEST, per_page=100), today, with_facets=False)
        slugs = [p.slug for p in newest.items]
    urls = [url.format(middle=max(1, newest.total // 24 // 2)) for url in LIST_URLS]
    pages = {url: timed(lambda url=url: expect_ok(client.get(url), url), REPEATS) for url in urls}
    cached_client = cached_app.test_client()
    cached = {url: timed(lambda url=url: expect_ok(cached_client.get(url), url), REPEATS) for url in urls}
    products = [sample for slug in slugs for sample in timed(lambda s=slug: expect_ok(client.get(f"/products/{s}"), s), 1)]
    return {"search": search, "list": pages, "cached": cached, "product": products}


def expect_ok(response, what: str):
    if response.status_code != 200:
        raise SystemExit(f"{what}: HTTP {response.status_code}")
    return response


def summary(samples_by_key: dict[str, list[float]]) -> tuple[float, float, str, float]:
    """Overall p50/p95 and the slowest key with its p95."""
    everything = [s for samples in samples_by_key.values() for s in samples]
    worst = max(samples_by_key, key=lambda key: percentiles(samples_by_key[key])[1])
    return (*percentiles(everything), worst, percentiles(samples_by_key[worst])[1])


# --- throughput --------------------------------------------------------------------------

def wrk(url: str) -> tuple[float, int]:
    """Requests per second and the number of errors (non-2xx/3xx and socket errors)."""
    output = subprocess.run(["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", url],
                            capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, errors + (int(non_2xx.group(1)) if non_2xx else 0)


def bare_products(app, today: date, folder: str) -> str:
    """The first list page's 24 products as plain dicts, for the bare app."""
    with app.app_context():
        items = find_products(ProductQuery(), today, with_facets=False).items
        rows = [{"slug": p.slug, "name": p.name, "price": f"{p.price:,} ₫".replace(",", "."), "unit": p.unit,
                 "coop": p.cooperative.name, "description": p.description} for p in items]
    path = Path(folder) / "products.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return str(path)


def measure_throughput(app, url: str, today: date) -> dict | None:
    if not shutil.which("wrk"):
        print("  wrk is not installed (apt-get install wrk): throughput skipped")
        return None
    with tempfile.TemporaryDirectory() as folder:
        products = bare_products(app, today, folder)
        slug = json.loads(Path(products).read_text(encoding="utf-8"))[0]["slug"]
        results = {}
        for name, module, port, env in (("app", "wsgi:app", 5071, environment(url)),
                                        ("uncached", "wsgi:app", 5073, environment(url, cache=False)),
                                        ("bare", "bench.bare_app:app", 5072, {"BENCH_BARE_PRODUCTS": products})):
            with gunicorn(module, port, env, GUNICORN, "/products") as base:
                results[name] = {"list": wrk(f"{base}/products"), "product": wrk(f"{base}/products/{slug}")}
    return results


# --- the run -----------------------------------------------------------------------------

def detail_lines(kind: str, size: int, result: dict) -> str:
    """p50 / p95 of each search query and list URL, uncached, at one size."""
    def cells(group: str, quote) -> str:
        return "; ".join(f"{quote(key)} {p50:.0f} / {p95:.0f}"
                         for key, (p50, p95) in ((key, percentiles(samples)) for key, samples in result[group].items()))

    return (f"{kind}, {size:,} products, uncached p50 / p95 ms:\n\n- search: {cells('search', lambda k: f'“{k}”')}\n"
            f"- list pages: {cells('list', lambda k: f'`{k}`')}")


def run_backend(kind: str, lines: list[str], details: list[str]) -> tuple[int, dict | None]:
    """Latency rows for each size into `lines`; the list page weight and throughput at the largest."""
    today = vietnam_today()
    growth = {}
    for size in SIZES:
        with scratch_database(kind) as url:
            app = create_app({"ENVIRON": environment(url, cache=False)})
            cached_app = create_app({"ENVIRON": environment(url)})
            with app.app_context():
                upgrade()
                started = time.perf_counter()
                generate_catalog(size)
                generated = time.perf_counter() - started
                if kind == "postgresql":  # what autovacuum does after a bulk load: statistics, visibility map
                    with db.engine.connect() as conn:
                        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
                else:  # what `flask reindex-search` does after an import
                    refresh_planner_statistics(db.engine)
                db.session.remove()
            result = measure_latency(app, cached_app, today)
            search, pages, cached = summary(result["search"]), summary(result["list"]), summary(result["cached"])
            product = percentiles(result["product"])
            growth[size] = (search[1], pages[1], product[1], cached[1])
            lines.append(f"| {kind} | {size:,} | {generated:.0f} s | {search[0]:.1f} / **{search[1]:.1f}** "
                         f"(slowest: “{search[2]}” {search[3]:.1f}) | {pages[0]:.1f} / **{pages[1]:.1f}** "
                         f"(slowest: `{pages[2]}` {pages[3]:.1f}) | {product[0]:.1f} / {product[1]:.1f} | "
                         f"{cached[0]:.1f} / {cached[1]:.1f} |")
            print(lines[-1], flush=True)
            if size == SIZES[-1]:
                details.append(detail_lines(kind, size, result))
                weight = len(app.test_client().get("/products").data)
                throughput = measure_throughput(app, url, today)
            with app.app_context():
                db.engine.dispose()
    small, large = growth[SIZES[0]], growth[SIZES[-1]]
    lines.append(f"| {kind} | growth ×{SIZES[-1] // SIZES[0]} products | | p95 ×{large[0] / small[0]:.1f} | "
                 f"p95 ×{large[1] / small[1]:.1f} | p95 ×{large[2] / small[2]:.1f} | p95 ×{large[3] / small[3]:.1f} |")
    print(lines[-1], flush=True)
    return weight, throughput


def throughput_lines(kind: str, throughput: dict) -> list[str]:
    rows = []
    for page, target in (("list", 0.35), ("product", 0.4)):
        (app_rate, app_errors), (bare_rate, bare_errors) = throughput["app"][page], throughput["bare"][page]
        cold_rate, cold_errors = throughput["uncached"][page]
        rows.append(f"| {kind} | {page} | {app_rate:.0f} req/s ({app_errors} errors) | {cold_rate:.0f} req/s "
                    f"({cold_errors} errors) | {bare_rate:.0f} req/s ({bare_errors} errors) | "
                    f"**{app_rate / bare_rate:.2f}×** (target {target}×); uncached {cold_rate / bare_rate:.2f}× |")
    return rows


def main() -> None:
    latency = ["| database | products | generated in | search p50 / p95 ms | list page p50 / p95 ms | "
               "product page p50 / p95 ms | list page, cache on, p50 / p95 ms |", "|---|---|---|---|---|---|---|"]
    throughput = ["| database | page | app (gunicorn, 2 workers) | app, cache off | bare Flask+Jinja, same settings "
                  "| ratio |", "|---|---|---|---|---|---|"]
    weights, details = [], []
    print("catalog benchmark:", ", ".join(backends()), flush=True)
    for kind in backends():
        weight, measured = run_backend(kind, latency, details)
        weights.append(weight)
        if measured:
            throughput += throughput_lines(kind, measured)
    assets = sum(path.stat().st_size for folder in ("css", "js") for path in (PROJECT_ROOT / "static" / folder).iterdir())
    report = "\n".join([
        f"# Catalog benchmark, {date.today().isoformat()}",
        "",
        f"`python -m bench catalog`; {os.cpu_count()} CPUs; {REPEATS} timed runs per query or page after one warm-up; "
        f"453 cooperatives; Flask test client in-process. Search: {len(SEARCHES)} queries "
        f"({', '.join(SEARCHES)}), ranked, with their count. List pages: {len(LIST_URLS)} URLs, full HTML with "
        "facets. Product pages: 100 different products. Search, list and product pages with the catalog cache "
        "off (CATALOG_CACHE_SECONDS=0): every request computes everything; the last column with it on.",
        "",
        *latency,
        "",
        *(line for detail in details for line in (detail, "")),
        f"Throughput at {SIZES[-1]:,} products: wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s on the same "
        "machine (wrk and the servers share its cores).",
        "",
        *throughput,
        "",
        f"Page weight: /products HTML {max(weights) / 1024:.1f} KB (target < 60 KB); all CSS+JS {assets / 1024:.1f} KB "
        "(target < 50 KB), uncompressed, without images.",
        "",
    ])
    write_results("catalog", report)
