"""A small load client that speaks Reflex's websocket protocol, for the event and login benchmarks.

Reflex's events travel as socket.io 5 over engine.io 4 on a websocket (here wsproto on an
asyncio stream, with TLS when the target is nginx). The frames a session sends are the ones
Chromium sent, recorded from the page once per app (`record`, `record_login`), so the server
sees what a browser would send; each session has its own client token.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlparse

from wsproto import ConnectionType, WSConnection
from wsproto.events import CloseConnection, Message, Ping, Request, TextMessage

NAMESPACE = "/_event"
EVENT = f"42{NAMESPACE},"
# The one-time login ticket inside the reply to ログイン (mypage.state.auth.post_form's script).
TICKET = re.compile(r"ticket[\\\"]*:\s*[\\\"]+([A-Za-z0-9_\-]{16,})")


@dataclass(frozen=True)
class Target:
    """Where the sessions connect: a server (or nginx) and the origin its pages have."""

    url: str  # e.g. http://localhost:3000 or https://127.0.0.1:8443

    @property
    def host(self) -> str:  # noqa: D102
        return urlparse(self.url).hostname or "127.0.0.1"

    @property
    def address(self) -> str:
        """Where to connect: localhost is IPv4's, as the servers listen there."""
        return "127.0.0.1" if self.host == "localhost" else self.host

    @property
    def port(self) -> int:  # noqa: D102
        parsed = urlparse(self.url)
        return parsed.port or (443 if parsed.scheme == "https" else 80)

    @property
    def ssl(self) -> ssl.SSLContext | None:
        """TLS without checking the (self-signed) certificate, for https targets."""
        if not self.url.startswith("https:"):
            return None
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context


@dataclass
class Protocol:
    """What a browser sends for one app: the CONNECT packet (with its hydrate event) and the cheap events."""

    connect: str
    events: list[str]
    replies: int = 1  # messages the server sends back for one cheap event


def record(url: str, button_names: list[str]) -> Protocol:
    """Open the page in Chromium, press the buttons, and keep the socket.io frames it sent."""
    sent, received = [], []
    with _browser_page(url, sent, received) as page:
        events, replies = [], 1
        for name in button_names:
            before = len(sent)
            clicked = time.monotonic()
            page.get_by_role("button", name=name).click()
            page.wait_for_timeout(1500)
            events += [f for f in sent[before:] if f.startswith(EVENT)]
            replies = sum(1 for t, f in received if t >= clicked and f.startswith(EVENT))
    return Protocol(_connect_frame(sent), events, replies)


def record_login(url: str, login_id: str, password: str) -> Protocol:
    """Log in once through the login form in Chromium; the Protocol's one event is ログイン's submit."""
    sent, received = [], []
    with _browser_page(url, sent, received) as page:
        page.get_by_label("ログインID").fill(login_id)
        page.get_by_label("パスワード", exact=True).fill(password)
        before = len(sent)
        page.get_by_role("button", name="ログイン", exact=True).click()
        page.wait_for_url("**/home**", timeout=60_000)
        submit = [f for f in sent[before:] if f.startswith(EVENT) and "submit" in f and login_id in f]
    if len(submit) != 1:
        raise RuntimeError(f"expected one submit frame for the login, got {len(submit)}")
    return Protocol(_connect_frame(sent), submit, 1)


@contextlib.contextmanager
def _browser_page(url: str, sent: list, received: list):
    """A Chromium page on url, hydrated and quiet, whose socket.io frames go to sent and received."""
    from playwright.sync_api import sync_playwright

    from tests.browser.support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(ignore_https_errors=True)

        def watch(ws):
            ws.on("framesent", lambda frame: sent.append(frame))
            ws.on("framereceived", lambda frame: received.append((time.monotonic(), frame)))

        page.on("websocket", watch)
        page.goto(url)
        page.wait_for_function("() => !!document.querySelector('button')")
        page.wait_for_timeout(2000)  # hydrated and quiet
        try:
            yield page
        finally:
            browser.close()


def _connect_frame(sent: list[str]) -> str:
    return next(f for f in sent if f.startswith(f"40{NAMESPACE},"))


@dataclass
class Session:
    """One websocket session: engine.io framing over wsproto on an asyncio stream."""

    target: Target
    headers: list[tuple[str, str]] = field(default_factory=list)  # e.g. X-Forwarded-For
    token: str = field(default_factory=lambda: str(uuid.uuid4()))

    async def open(self) -> None:
        """Connect and wait for engine.io's OPEN."""
        t = self.target
        for attempt in range(5):  # a server or nginx swamped by the others' connects resets some
            try:
                self.reader, self.writer = await asyncio.open_connection(t.address, t.port, ssl=t.ssl)
                break
            except OSError:
                if attempt == 4:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.inbox: asyncio.Queue[str] = asyncio.Queue()
        target = f"{NAMESPACE}/?token={self.token}&EIO=4&transport=websocket"
        headers = [(b"origin", t.url.encode()), *((k.encode(), v.encode()) for k, v in self.headers)]
        self.writer.write(self.ws.send(Request(host=f"{t.host}:{t.port}", target=target, extra_headers=headers)))
        self.reading = asyncio.create_task(self._read())
        await self.inbox.get()  # engine.io OPEN

    async def _read(self) -> None:
        while data := await self.reader.read(65536):
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, TextMessage):
                    if event.data == "2":  # engine.io PING
                        await self.send("3")
                    else:
                        await self.inbox.put(event.data[1:] if event.data.startswith("0") else event.data)
                elif isinstance(event, Ping):
                    self.writer.write(self.ws.send(event.response()))
                elif isinstance(event, CloseConnection):
                    return

    async def send(self, text: str) -> None:
        """Send one text frame."""
        self.writer.write(self.ws.send(Message(data=text)))
        await self.writer.drain()

    async def replies(self, count: int) -> None:
        """Wait for count event messages from the server."""
        while count:
            if (await self.inbox.get()).startswith(EVENT):
                count -= 1

    async def reply_matching(self, pattern: re.Pattern) -> re.Match:
        """Wait for an event message that matches; the match."""
        while True:
            message = await self.inbox.get()
            if message.startswith(EVENT) and (found := pattern.search(message)):
                return found

    async def close(self) -> None:
        """Drop the connection."""
        self.reading.cancel()
        self.writer.close()


async def post_form(target: Target, path: str, fields: dict[str, str], headers: list[tuple[str, str]]) -> str:
    """POST a form as the page's own script does (same origin); the response's head."""
    reader, writer = await asyncio.open_connection(target.address, target.port, ssl=target.ssl)
    body = urlencode(fields).encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {target.host}:{target.port}",
        f"Origin: {target.url}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in headers),
    ]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    writer.close()
    return head.decode("latin-1")


async def hydrate(session: Session, protocol: Protocol) -> float:
    """Connect with the hydrate event; seconds until the page is hydrated (is_hydrated true)."""
    start = time.perf_counter()
    await session.open()
    await session.send(protocol.connect)
    while '"is_hydrated_rx_state_":true' not in await session.inbox.get():
        pass
    return time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def forwarded_for(n: int) -> list[tuple[str, str]]:
    """A distinct client address per session (nginx appends it; the portal trusts the local proxy)."""
    return [("X-Forwarded-For", f"10.{n // 62500 % 250}.{n // 250 % 250}.{n % 250 + 1}")]


async def _run(clients: list[Session], loop) -> float:
    """Every client's loop at once, then every connection closed; the seconds the loops took."""
    started = time.perf_counter()
    await asyncio.gather(*(loop(s) for s in clients))
    elapsed = time.perf_counter() - started
    for session in clients:
        await session.close()
    return elapsed


async def events(target: Target, protocol: Protocol, sessions: int, seconds: float) -> dict[str, float]:
    """`sessions` sessions hydrate at once, then each sends cheap events one after another for `seconds`."""
    clients = [Session(target, forwarded_for(n)) for n in range(sessions)]
    hydrations = await asyncio.gather(*(hydrate(s, protocol) for s in clients))
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def loop(session: Session) -> None:
        n = 0
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            await session.send(protocol.events[n % len(protocol.events)])
            await session.replies(protocol.replies)
            latencies.append(time.perf_counter() - start)
            n += 1

    elapsed = await _run(clients, loop)
    return {
        "events/s": len(latencies) / elapsed,
        "median ms": statistics.median(latencies) * 1000,
        "p95 ms": percentile(latencies, 0.95) * 1000,
        "hydrate p95 ms": percentile(hydrations, 0.95) * 1000,
        "replies": protocol.replies,
    }


async def logins(
    target: Target,
    protocol: Protocol,
    login_ids: Iterator[str],
    recorded_id: str,
    session_path: str,
    sessions: int,
    seconds: float,
    logged_in: Callable[[str], bool],
) -> dict[str, float]:
    """Logins through the login page: `sessions` tabs each submit ログイン with the next unused login ID,
    wait for the ticket in the reply and post it for the session cookie, for `seconds`.

    Each login ID logs in once (a first login from a new browser mails nobody). `logged_in(head)`
    tells from the response head that the cookie was set.
    """
    clients = [Session(target, forwarded_for(n)) for n in range(sessions)]
    await asyncio.gather(*(hydrate(s, protocol) for s in clients))
    durations: list[float] = []
    failures = 0
    stop_at = time.perf_counter() + seconds

    async def loop(session: Session) -> None:
        nonlocal failures
        while time.perf_counter() < stop_at and (login_id := next(login_ids, None)):
            start = time.perf_counter()
            await session.send(protocol.events[0].replace(recorded_id, login_id))
            try:
                ticket = (await asyncio.wait_for(session.reply_matching(TICKET), 120)).group(1)
            except TimeoutError:
                failures += 1
                continue
            head = await post_form(target, session_path, {"ticket": ticket, "next": ""}, session.headers)
            if logged_in(head):
                durations.append(time.perf_counter() - start)
            else:
                failures += 1

    elapsed = await _run(clients, loop)
    return {
        "logins/s": len(durations) / elapsed,
        "login median ms": statistics.median(durations) * 1000 if durations else float("nan"),
        "logins": len(durations),
        "failed": failures,
    }
