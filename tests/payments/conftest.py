"""Fixtures for the card gateway: a real localstripe server on loopback for the session, gateways
pointed at it, at nothing, at a server that answers errors or never answers, a recording proxy in
front of localstripe, and a receiver for the webhooks localstripe signs and sends."""
from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from marketplace.payments.gateway import Gateway, GatewayConfig

LOCALSTRIPE_SERVER = Path(__file__).with_name("localstripe_server.py")
TEST_SECRET_KEY = "sk_test_coop_market"
TEST_WEBHOOK_SECRET = "whsec_test"


def local_config(api_base: str, **overrides) -> GatewayConfig:
    values = dict(api_base=api_base, secret_key=TEST_SECRET_KEY, publishable_key="pk_test_coop_market",
                  webhook_secret=TEST_WEBHOOK_SECRET)
    return GatewayConfig(**(values | overrides))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def request_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def forwarded(self, base_url: str, body: bytes) -> tuple[int, bytes]:
        """This request sent on to the server at `base_url` (for proxies): its status and body."""
        request = urllib.request.Request(
            base_url + self.path, data=body if self.command == "POST" else None, method=self.command,
            headers={name: value for name, value in self.headers.items() if name.lower() not in ("host", "connection")})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """An HTTP server on a free loopback port, in a thread, for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def lower_cased(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def url_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


# --- localstripe ---------------------------------------------------------------------------

@dataclass
class LocalStripe:
    url: str

    def reset(self) -> None:
        """Forget every object (registered webhooks stay)."""
        self._send("DELETE", "/_config/data")

    def register_webhook(self, webhook_id: str, url: str, secret: str, events: list[str] | None = None) -> None:
        """Have localstripe sign and post its events to `url` (all of them, or only `events`)."""
        body = {"url": url, "secret": secret} | ({} if events is None else {"events": events})
        self._send("POST", f"/_config/webhooks/{webhook_id}", json.dumps(body).encode())

    def _send(self, method: str, path: str, body: bytes | None = None) -> None:
        request = urllib.request.Request(self.url + path, data=body, method=method,
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=5).close()


def _wait_until_listening(process: subprocess.Popen, port: int, log: Path, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"localstripe did not answer on port {port}:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory) -> Iterator[LocalStripe]:
    """A localstripe server of our own on a free loopback port, for the whole session."""
    port = free_port()
    log = tmp_path_factory.mktemp("localstripe") / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, str(LOCALSTRIPE_SERVER), str(port)],
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(process, port, log, deadline=time.monotonic() + 15)
        yield LocalStripe(f"http://127.0.0.1:{port}")
    finally:
        _stop(process)


@pytest.fixture
def gateway(localstripe) -> Gateway:
    return Gateway(local_config(localstripe.url))


# --- gateways that cannot help -------------------------------------------------------------

@pytest.fixture
def unavailable_gateway() -> Gateway:
    """A gateway at a loopback port where nothing listens: the connection is refused."""
    return Gateway(local_config(f"http://127.0.0.1:{free_port()}"))


@pytest.fixture
def gateway_answering() -> Iterator[Callable[[int], Gateway]]:
    """gateway_answering(status): a gateway whose server answers every request with that HTTP status
    and a Stripe-style error body."""
    with ExitStack() as servers:
        def make(status: int) -> Gateway:
            class Answering(QuietHandler):
                def do_any(self):
                    self.request_body()
                    self.answer(status, json.dumps({"error": {"message": f"answered {status}",
                                                              "type": "api_error"}}).encode())
                do_GET = do_POST = do_DELETE = do_any
            return Gateway(local_config(url_of(servers.enter_context(serving(Answering)))))
        yield make


@pytest.fixture
def failing_gateway(gateway_answering) -> Gateway:
    """A gateway whose server answers 500 to everything."""
    return gateway_answering(500)


@pytest.fixture
def silent_gateway() -> Iterator[Gateway]:
    """A gateway whose server accepts connections and never answers; its timeout is half a second."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield Gateway(local_config(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=0.5))


# --- seeing what crosses the wire ----------------------------------------------------------

@dataclass(frozen=True)
class RecordedRequest:
    """A request as it reached the proxy; header names lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordedGateway:
    gateway: Gateway
    requests: list[RecordedRequest] = field(default_factory=list)


@pytest.fixture
def recorded_gateway(localstripe) -> Iterator[RecordedGateway]:
    """A gateway talking to localstripe through a proxy that records every request as sent."""
    requests: list[RecordedRequest] = []

    class RecordingProxy(QuietHandler):
        def do_any(self):
            body = self.request_body()
            requests.append(RecordedRequest(self.command, self.path, lower_cased(self.headers), body))
            self.answer(*self.forwarded(localstripe.url, body))
        do_GET = do_POST = do_DELETE = do_any

    with serving(RecordingProxy) as proxy:
        yield RecordedGateway(Gateway(local_config(url_of(proxy))), requests)


# --- webhooks ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    """A webhook post as received; header names lower-cased."""

    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    url: str
    secret: str
    deliveries: queue.Queue = field(default_factory=queue.Queue)

    def first(self, matching: Callable[[Delivery], bool], timeout: float = 5) -> Delivery:
        """The first delivery (from now on) that matches; localstripe sends events about a second late."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                delivery = self.deliveries.get(timeout=left)
            except queue.Empty:
                break
            if matching(delivery):
                return delivery
        raise AssertionError(f"no matching webhook delivery within {timeout} s")


@pytest.fixture
def localstripe_webhooks(localstripe) -> Iterator[WebhookReceiver]:
    """A local receiver registered with localstripe for every event, signed with TEST_WEBHOOK_SECRET;
    unregistered (subscribed to no event) afterwards, since localstripe cannot delete one."""
    deliveries: queue.Queue = queue.Queue()

    class Receiver(QuietHandler):
        def do_POST(self):
            deliveries.put(Delivery(lower_cased(self.headers), self.request_body()))
            self.answer(200, b"{}")

    webhook_id = f"test-{uuid.uuid4().hex[:12]}"
    with serving(Receiver) as server:
        receiver = WebhookReceiver(url_of(server), TEST_WEBHOOK_SECRET, deliveries)
        localstripe.register_webhook(webhook_id, receiver.url, receiver.secret)
        try:
            yield receiver
        finally:
            localstripe.register_webhook(webhook_id, receiver.url, receiver.secret, events=[])


# --- the app with card payments on localstripe ---------------------------------------------
# (imported here, not at the top, so that the fixtures above stay as they were)
from marketplace.extensions import db  # noqa: E402
from marketplace.orders.models import Order, PaymentMethod  # noqa: E402
from ..factories import make_order  # noqa: E402
from marketplace.payments import card  # noqa: E402
from marketplace.payments.models import Payment  # noqa: E402


def card_settings(api_base: str, timeout: float = 5) -> dict:
    """The app's settings for card payments through the gateway at `api_base`."""
    return dict(STRIPE_SECRET_KEY=TEST_SECRET_KEY, STRIPE_PUBLISHABLE_KEY="pk_test_coop_market",
                STRIPE_API_BASE=api_base, STRIPE_WEBHOOK_SECRET=TEST_WEBHOOK_SECRET, STRIPE_TIMEOUT_SECONDS=timeout)


@pytest.fixture
def card_app(make_app, localstripe):
    """An app (with its context pushed) that offers card payments through the session's localstripe;
    point it elsewhere with `card_app.config.update(card_settings(...))`."""
    app = make_app(**card_settings(localstripe.url))
    with app.app_context():
        yield app


@pytest.fixture
def card_client(card_app):
    return card_app.test_client()


@dataclass
class CuttingProxy:
    """A proxy in front of localstripe that drops the requests `cut(method, path)` selects: before
    they reach localstripe (it looks stopped), or after (the gateway acted, its answer is lost)."""

    url: str
    cut: Callable[[str, str], bool] | None = None
    after_forwarding: bool = False
    requests: list[RecordedRequest] = field(default_factory=list)

    def drop(self, cut: Callable[[str, str], bool], after_forwarding: bool = False) -> None:
        self.cut, self.after_forwarding = cut, after_forwarding

    def heal(self) -> None:
        self.cut = None


@pytest.fixture
def cutting_proxy(localstripe) -> Iterator[CuttingProxy]:
    proxy = CuttingProxy("")

    class Cutting(QuietHandler):
        def do_any(self):
            body = self.request_body()
            proxy.requests.append(RecordedRequest(self.command, self.path, lower_cased(self.headers), body))
            dropped = proxy.cut is not None and proxy.cut(self.command, self.path)
            if dropped and not proxy.after_forwarding:
                self.close_connection = True
                return
            status, answer = self.forwarded(localstripe.url, body)
            if dropped:
                self.close_connection = True
                return
            self.answer(status, answer)
        do_GET = do_POST = do_DELETE = do_any

    with serving(Cutting) as server:
        proxy.url = url_of(server)
        yield proxy


def place_card_order(*products, email: str = "mai@example.com") -> Order:
    """A guest's order of one of each product, to be paid by card: its parts wait for the payment."""
    return make_order(*products, method=PaymentMethod.CARD, email=email)


def attempt_with_lost_answer(app, proxy: CuttingProxy, order: Order, test_card: str = "succeeding") -> Payment:
    """A card attempt that the gateway confirmed but whose answer never came back: pending, with its
    intent id; the gateway goes on answering afterwards."""
    api_base = app.config["STRIPE_API_BASE"]
    app.config["STRIPE_API_BASE"] = proxy.url
    proxy.drop(lambda method, path: path.endswith("/confirm"), after_forwarding=True)
    try:
        attempt = card.pay(order.id, card.new_attempt_token(), test_card)
    finally:
        proxy.heal()
        app.config["STRIPE_API_BASE"] = api_base
    assert attempt.outcome == card.Outcome.BEING_CHECKED
    return db.session.get(Payment, attempt.payment_id)


# --- refunds at the gateway ----------------------------------------------------------------
import stripe  # noqa: E402


def refunds_at(localstripe: LocalStripe, intent_id: str) -> list[dict]:
    """The refunds localstripe holds for an intent, read with the SDK (not through our code)."""
    client = stripe.StripeClient(TEST_SECRET_KEY, base_addresses={"api": localstripe.url})
    return [refund.to_dict() for refund in client.v1.refunds.list({"payment_intent": intent_id, "limit": 100})]


def _reported(value, overrides: Callable[[str], dict]):
    """A decoded answer with every refund object in it changed by `overrides(refund_id)`."""
    if isinstance(value, list):
        return [_reported(item, overrides) for item in value]
    if isinstance(value, dict):
        value = {name: _reported(item, overrides) for name, item in value.items()}
        return value | overrides(value["id"]) if value.get("object") == "refund" else value
    return value


@dataclass
class RefundReporter:
    """A proxy in front of localstripe that reports refunds with other fields (localstripe's refunds
    succeed at once): `every` for all of them, `by_id` for one."""

    url: str
    every: dict = field(default_factory=dict)
    by_id: dict[str, dict] = field(default_factory=dict)

    def overrides(self, refund_id: str) -> dict:
        return self.every | self.by_id.get(refund_id, {})


@pytest.fixture
def refund_reporter(localstripe) -> Iterator[RefundReporter]:
    reporter = RefundReporter("")

    class Reporting(QuietHandler):
        def do_any(self):
            status, answer = self.forwarded(localstripe.url, self.request_body())
            self.answer(status, json.dumps(_reported(json.loads(answer), reporter.overrides)).encode())
        do_GET = do_POST = do_DELETE = do_any

    with serving(Reporting) as server:
        reporter.url = url_of(server)
        yield reporter


def paid_by_card(order: Order) -> Payment:
    """Pay the order by card at the app's gateway; its succeeded payment record."""
    attempt = card.pay(order.id, card.new_attempt_token(), "succeeding")
    assert attempt.outcome == card.Outcome.PAID
    return db.session.get(Payment, attempt.payment_id)


def emailed(outbox) -> list[str]:
    """Who was emailed, in order: addresses as they are, and "cooperative" for each message telling a
    cooperative that its order is paid (listed last)."""
    who = ["cooperative" if "đã được thanh toán" in message["Subject"] else message["To"] for message in outbox]
    return sorted(who, key=lambda name: name == "cooperative")
