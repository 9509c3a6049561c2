"""Checkout benchmark: guests buying over real HTTP from gunicorn with 4 workers on PostgreSQL.

On a scratch database (made and dropped here, on the server TEST_DATABASE_URL names) seeded with
a small catalog, a few contended products with little stock and many with plenty, concurrent
buyers each do what a guest's browser does: add one to three products to the cart, open
/checkout, and submit it with cash on delivery. Two scenarios: placing (the carts are filled and
the checkouts opened beforehand, then all forms are submitted concurrently) and the whole journey
timed. For each it reports the placed orders per second, p50/p95 of the POST /checkout, refusals (out of stock, expected on the
contended products), errors (any other answer), and the oversell counted afterwards in the
database: units sold beyond a product's initial stock, and products whose sold units differ from
their stock change or whose stock is below zero. Results go to bench/results/checkout-<date>.md.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import requests
from flask_migrate import upgrade
from redis import Redis
from rq import Queue
from sqlalchemy import func, select
from vietnam_provinces import Ward

from marketplace import create_app
from marketplace.catalog.models import Product
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.inventory.models import MovementReason
from marketplace.inventory.stock import move
from marketplace.jobs import QUEUE_NAME
from marketplace.orders.carts import offers
from marketplace.orders.models import Order, OrderLine
from marketplace.transaction import write_transaction

from .catalog import environment
from .catalog_data import LANG_SON, generate_catalog
from .common import gunicorn, percentiles, scratch_database, write_results

# BENCH_CHECKOUT_SECONDS=5 for a quick trial run.
SECONDS = int(os.environ.get("BENCH_CHECKOUT_SECONDS", "20"))
BUYERS = int(os.environ.get("BENCH_CHECKOUT_BUYERS", "16"))
WORKERS = 4
PLACING_ORDERS = int(os.environ.get("BENCH_CHECKOUT_ORDERS", "1500"))
PLACING, JOURNEY = "placing", "whole journey"
PLACE_ORDERS_SCRIPT = Path(__file__).with_name("place_orders.lua")
WRK_THREADS = 2
JOBS_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
WORKER_CLASSES = {"sync": ["--worker-class", "sync"],
                  "gthread, 4 threads": ["--worker-class", "gthread", "--threads", "4"]}
CATALOG_PRODUCTS, CATALOG_COOPERATIVES = 1_000, 60
CONTENDED, CONTENDED_STOCK = 3, 5
UNCONTENDED, PLENTY = 300, 1_000_000
CONTENDED_SHARE = 0.2  # of baskets that hold a contended product: most of those are refused
SOLD_OUT = ("is sold out", " left.")  # the English out-of-stock messages (orders.messages)


# --- the shop ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Shop:
    contended: list[int]
    uncontended: list[int]
    initial_stock: dict[int, int]
    ward_code: int


@write_transaction
def _restock(stock: dict[int, int]) -> None:
    for product_id, wanted in stock.items():
        current = db.session.scalar(select(Product.stock_quantity).where(Product.id == product_id))
        if wanted != current:
            move(product_id, wanted - current, MovementReason.CORRECTION, note="bench")


def seed_shop() -> Shop:
    """A small catalog; of its generated products on sale (not the demo's, which have orders), a few
    with little stock and many with plenty."""
    generate_catalog(CATALOG_PRODUCTS, CATALOG_COOPERATIVES)
    generated = db.session.scalars(select(Product.id).where(Product.slug.like("bench-product-%"))).all()
    on_sale = [product_id for product_id, (offer, _) in sorted(offers(generated).items())
               if offer.on_sale and offer.min_quantity == 1]
    contended, uncontended = on_sale[:CONTENDED], on_sale[CONTENDED:CONTENDED + UNCONTENDED]
    stock = {**{p: CONTENDED_STOCK for p in contended}, **{p: PLENTY for p in uncontended}}
    _restock(stock)
    ward = next(iter(Ward.iter_by_province(LANG_SON))).code.value
    return Shop(contended, uncontended, stock, ward)


def basket(shop: Shop, rng: random.Random, contended_share: float = CONTENDED_SHARE) -> list[int]:
    """One to three different products; some baskets hold one of the contended products."""
    products = rng.sample(shop.uncontended, rng.randint(1, 3))
    if rng.random() < contended_share:
        products[0] = rng.choice(shop.contended)
    return products


# --- a guest's purchase over HTTP --------------------------------------------------------

class HiddenInputs(HTMLParser):
    """The first value of each hidden input on a page (the checkout and CSRF tokens)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values.setdefault(attributes["name"], attributes.get("value") or "")


def hidden_inputs(html: str) -> dict[str, str]:
    parser = HiddenInputs()
    parser.feed(html)
    return parser.values


@dataclass
class Purchase:
    outcome: str  # placed, refused at checkout, refused at cart, error: ...
    seconds: float | None = None  # of the POST /checkout


def delivery_form(n: int, ward_code: int) -> dict[str, str]:
    return {"full_name": f"Khách {n}", "phone": "0912345678", "email": f"khach{n}@example.com",
            "province": str(LANG_SON), "ward": str(ward_code), "address_line": "12 Lê Lợi", "note": "",
            "payment_method": "cod", "invoice_type": "none"}


@dataclass
class OpenCheckout:
    """A guest with a filled cart and the checkout form open, ready to place the order."""

    http: requests.Session
    form: dict[str, str]


def open_checkout(base: str, shop: Shop, products: list[int], n: int) -> OpenCheckout | Purchase:
    """Add each product to a new guest's cart and open /checkout (or say why not)."""
    http = requests.Session()
    http.cookies.set("lang", "en")  # English messages, to tell an out-of-stock refusal from the rest
    http.headers["Origin"] = base
    added = 0
    for product_id in products:
        answer = http.post(f"{base}/cart/items", data={"product": product_id, "quantity": 1},
                           headers={"Referer": f"{base}/products"}, allow_redirects=False, timeout=60)
        if answer.status_code != 303:
            return Purchase(f"error: add to cart {answer.status_code}")
        added += answer.headers["Location"].endswith("/cart")  # refused: back to the product list
    if not added:
        return Purchase("refused at cart")
    page = http.get(f"{base}/checkout", timeout=60)
    if page.status_code != 200:
        return Purchase(f"error: GET /checkout {page.status_code}")
    tokens = {k: v for k, v in hidden_inputs(page.text).items() if k in ("checkout_token", "csrf_token")}
    return OpenCheckout(http, {**delivery_form(n, shop.ward_code), **tokens})


def place(base: str, checkout: OpenCheckout) -> Purchase:
    """Submit the open checkout form: the request this benchmark is about."""
    with checkout.http as http:
        started = time.perf_counter()
        answer = http.post(f"{base}/checkout", data=checkout.form, allow_redirects=False, timeout=60)
        seconds = time.perf_counter() - started
    if answer.status_code == 303:
        return Purchase("placed", seconds)
    if answer.status_code == 422 and any(message in answer.text for message in SOLD_OUT):
        return Purchase("refused at checkout", seconds)
    return Purchase(f"error: POST /checkout {answer.status_code}", seconds)


def purchase(base: str, shop: Shop, products: list[int], n: int) -> Purchase:
    opened = open_checkout(base, shop, products, n)
    return opened if isinstance(opened, Purchase) else place(base, opened)


@dataclass
class Run:
    seconds: float = 0.0
    purchases: list[Purchase] = field(default_factory=list)
    latency: tuple[float, float] | None = None  # p50, p95 of POST /checkout in ms, when measured by wrk

    def percentiles(self) -> tuple[float, float]:
        return self.latency or percentiles([p.seconds for p in self.purchases if p.seconds is not None])

    def count(self, outcome: str) -> int:
        return sum(p.outcome == outcome for p in self.purchases)

    def errors(self) -> Counter:
        return Counter(p.outcome for p in self.purchases if p.outcome.startswith("error"))


def place_all(base: str, shop: Shop, orders: int, buyers: int) -> Run:
    """Open `orders` checkouts (not timed), then submit them all with wrk, `buyers` connections:
    a load generator in C, so that the machine's two cores go to the server and the database."""
    rng = random.Random(7)
    baskets = [basket(shop, rng) for _ in range(orders)]
    with ThreadPoolExecutor(buyers) as pool:
        opened = list(pool.map(lambda nb: open_checkout(base, shop, nb[1], nb[0]), enumerate(baskets)))
    run = Run(purchases=[p for p in opened if isinstance(p, Purchase)])
    ready = [p for p in opened if isinstance(p, OpenCheckout)]
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", encoding="utf-8") as forms:
        for checkout in ready:
            cookies = "; ".join(f"{name}={value}" for name, value in checkout.http.cookies.items())
            forms.write(f"{cookies}\t{urlencode(checkout.form)}\n")
            checkout.http.close()
        forms.flush()
        before, started = placed_orders(), utcnow()
        process = subprocess.Popen(
            ["wrk", f"-t{WRK_THREADS}", f"-c{buyers}", "-d600s", "--timeout", "30s", "-s", str(PLACE_ORDERS_SCRIPT),
             base, "--", forms.name, str(WRK_THREADS)], stdout=subprocess.PIPE, text=True)
        _wait_until_orders_stop(process)
        process.send_signal(signal.SIGINT)  # wrk then reports, its threads having stopped sending forms
        output = process.communicate(timeout=60)[0]
    placed, refused, failed, _, p50, p95 = re.search(r"RESULT (.*)", output).group(1).split()
    run.purchases += [Purchase("placed")] * int(placed) + [Purchase("refused at checkout")] * int(refused) \
        + [Purchase("error: POST /checkout")] * int(failed)
    # wrk runs for the duration it is given: the time is from its start to the last order placed.
    last = db.session.scalar(select(func.max(Order.created_at)))
    run.seconds, run.latency = (last - started).total_seconds(), (float(p50), float(p95))
    assert placed_orders() - before == int(placed)
    return run


def placed_orders() -> int:
    db.session.remove()
    return db.session.scalar(select(func.count(Order.id)))


def _wait_until_orders_stop(process: subprocess.Popen) -> None:
    """Until no order has been placed for a second (every form is answered well within it)."""
    count, still = -1, 0
    while still < 4 and process.poll() is None:
        time.sleep(0.25)
        now = placed_orders()
        still = still + 1 if now == count else 0
        count = now


def drive(base: str, shop: Shop, seconds: float, buyers: int, contended_share: float = CONTENDED_SHARE) -> Run:
    """`buyers` guests buying one order after another, for `seconds`: the whole journey."""
    run, lock, numbers = Run(), threading.Lock(), iter(range(10**9))
    deadline = time.perf_counter() + seconds

    def buyer(seed: int) -> None:
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            with lock:
                n = next(numbers)
            try:
                done = purchase(base, shop, basket(shop, rng, contended_share), n)
            except requests.RequestException as failure:
                done = Purchase(f"error: {type(failure).__name__}")
            with lock:
                run.purchases.append(done)

    started = time.perf_counter()
    with ThreadPoolExecutor(buyers) as pool:
        list(pool.map(buyer, range(buyers)))
    run.seconds = time.perf_counter() - started
    return run


# --- the server --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def served_shop(url: str, worker_options: list[str], redis_url: str):
    """The app served by gunicorn with WORKERS workers on the database at `url`; yields its address."""
    return gunicorn("wsgi:app", free_port(), {**environment(url), "REDIS_URL": redis_url},
                    ["--workers", str(WORKERS), *worker_options, "--log-level", "warning"], "/cart")


# --- what the database says afterwards ----------------------------------------------------

@dataclass(frozen=True)
class Audit:
    orders: int
    oversold_units: int
    mismatched_products: int
    contended_sold: int


def audit(shop: Shop) -> Audit:
    """Units sold per product (order lines) against each product's initial and final stock."""
    db.session.remove()
    products = list(shop.initial_stock)
    sold = dict(db.session.execute(select(OrderLine.product_id, func.sum(OrderLine.quantity))
                                   .where(OrderLine.product_id.in_(products)).group_by(OrderLine.product_id)).all())
    final = dict(db.session.execute(select(Product.id, Product.stock_quantity).where(Product.id.in_(products))).all())
    oversold = sum(max(0, sold.get(p, 0) - initial) for p, initial in shop.initial_stock.items())
    mismatched = sum(final[p] < 0 or sold.get(p, 0) != initial - final[p] for p, initial in shop.initial_stock.items())
    return Audit(db.session.scalar(select(func.count(Order.id))), oversold, mismatched,
                 sum(sold.get(p, 0) for p in shop.contended))


# --- the run -----------------------------------------------------------------------------

def measure(worker_class: str, scenario: str) -> str:
    """One results row: a fresh shop, a warm-up, then the scenario."""
    with scratch_database("postgresql") as url, job_queue() as queue:
        app = create_app({"ENVIRON": environment(url)})
        with app.app_context():
            upgrade()
            shop = seed_shop()
            db.session.remove()
            with served_shop(url, WORKER_CLASSES[worker_class], JOBS_REDIS_URL) as base:
                drive(base, shop, 2, WORKERS, contended_share=0)  # every worker has compiled its templates
                warm_up = audit(shop).orders
                if scenario == PLACING:
                    run = place_all(base, shop, PLACING_ORDERS, BUYERS)
                else:
                    run = drive(base, shop, SECONDS, BUYERS)
            result = audit(shop)
            db.engine.dispose()
        queued = queue.count
    placed = run.count("placed")
    p50, p95 = run.percentiles()
    errors = run.errors()
    error_text = f"{sum(errors.values())}" + (f" ({', '.join(f'{k}: {v}' for k, v in errors.items())})" if errors else "")
    row = (f"| {scenario} | {worker_class} | {run.seconds:.1f} s | {placed} ({result.orders - warm_up} in the database) "
           f"| **{placed / run.seconds:.0f}** | {p50:.0f} / {p95:.0f} | {run.count('refused at checkout')} / "
           f"{run.count('refused at cart')} | {error_text} | **{result.oversold_units}** units, "
           f"{result.mismatched_products} products mismatched | {result.contended_sold} of "
           f"{CONTENDED * CONTENDED_STOCK} | {queued} |")
    print(row, flush=True)
    return row


@contextmanager
def job_queue():
    """The queue of the order emails' jobs on a Redis database of its own, as in production
    (emptied before and after)."""
    redis = Redis.from_url(JOBS_REDIS_URL)
    redis.flushdb()
    try:
        yield Queue(QUEUE_NAME, connection=redis)
    finally:
        redis.flushdb()
        redis.close()


def main() -> None:
    if not os.environ.get("TEST_DATABASE_URL"):
        print("checkout benchmark: needs PostgreSQL (set TEST_DATABASE_URL): skipped")
        return
    if not shutil.which("wrk"):
        print("checkout benchmark: needs wrk (apt-get install wrk): skipped")
        return
    print(f"checkout benchmark: gunicorn, {WORKERS} workers, PostgreSQL, {BUYERS} buyers", flush=True)
    # BENCH_CHECKOUT_SCENARIOS=placing and BENCH_CHECKOUT_WORKERS=sync (a prefix) for a single row.
    scenarios = os.environ.get("BENCH_CHECKOUT_SCENARIOS", f"{PLACING},{JOURNEY}").split(",")
    classes = [name for name in WORKER_CLASSES if name.startswith(os.environ.get("BENCH_CHECKOUT_WORKERS", ""))]
    rows = [measure(worker_class, scenario) for scenario in scenarios for worker_class in classes]
    report = "\n".join([
        f"# Checkout benchmark, {date.today().isoformat()}",
        "",
        f"`python -m bench checkout`; {os.cpu_count()} CPUs; gunicorn with {WORKERS} workers and PostgreSQL on the same "
        f"machine as the buyers (one Python process, {BUYERS} threads with requests). Each row gets a fresh "
        f"scratch database: {CATALOG_COOPERATIVES} cooperatives and {CATALOG_PRODUCTS:,} products "
        f"(bench/catalog_data.py), of which {CONTENDED} contended products have {CONTENDED_STOCK} units each and "
        f"{UNCONTENDED} have plenty. A buyer is a new guest: it adds 1 to 3 different products (one of them contended in "
        f"{CONTENDED_SHARE:.0%} of baskets) with POST /cart/items, opens GET /checkout, and submits POST /checkout "
        "(cash on delivery, no invoice). The order emails are queued in Redis as in production (REDIS_URL; no "
        "worker runs during the measurement, the last column counts the jobs left queued).",
        "",
        f"- **{PLACING}**: {PLACING_ORDERS:,} guests fill their carts and open the checkout first (not timed); then "
        f"wrk submits all their forms over {BUYERS} connections (a load generator in C: Python's requests took a "
        "third of a core): the rate of placing orders, the target of at least 100 orders/s. Its latencies include "
        "the few requests for a static file a connection sends once its thread's forms are all sent.",
        f"- **{JOURNEY}**: {BUYERS} threads each act as one guest after another for {SECONDS} s, the whole journey "
        "(add to cart, open checkout, place) timed: three to five requests per order.",
        "",
        "After a 2 s warm-up. Oversell is counted in the database afterwards: units sold (order lines) beyond each "
        "product's initial stock, and products whose units sold differ from their stock change or whose stock is "
        "below zero.",
        "",
        "| scenario | worker class | measured | placed orders | orders/s | POST /checkout p50 / p95 ms | refused at "
        "checkout / at cart (out of stock) | errors | oversell | contended units sold | email jobs queued |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ])
    write_results("checkout", report)
