"""Reflex events under load: 200 websocket sessions hydrate, then send a cheap state event in a loop,
against MyPage (the 文字サイズ toggle) and a blank Reflex app (a button that flips a bool), both
production builds running side by side. Prints events/s, median and p95 latency, and the hydration.

The client speaks Reflex's protocol itself (socket.io 5 over engine.io 4 on a websocket, with wsproto):
the frames it sends are the ones Chromium sends, recorded from the page once per app.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from dataclasses import dataclass, field

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Message, Ping, Request, TextMessage

from bench.bench_startup import side_by_side

SESSIONS = int(os.environ.get("BENCH_SESSIONS", "200"))
SECONDS = float(os.environ.get("BENCH_EVENT_SECONDS", "10"))
NAMESPACE = "/_event"
# The blank app of bench_startup with one cheap event on its button.
BLANK_APP = """
import reflex as rx

class BlankState(rx.State):
    on: bool = False

    @rx.event
    def flip(self):
        self.on = not self.on

def index():
    return rx.vstack(rx.heading("Blank"), rx.input(placeholder="ID"), rx.button("Go", on_click=BlankState.flip))

app = rx.App()
app.add_page(index, route="/")
"""


@dataclass
class Protocol:
    """What a browser sends for one app: the CONNECT packet (with its hydrate event) and the cheap events."""

    connect: str
    events: list[str]
    replies: int = 1  # messages the server sends back for one cheap event


def record(url: str, button_names: list[str]) -> Protocol:
    """Open the page in Chromium, press the buttons, and keep the socket.io frames it sent."""
    from playwright.sync_api import sync_playwright

    from tests.browser.support import CHROMIUM, CHROMIUM_ARGS

    sent: list[str] = []
    received: list[tuple[float, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()

        def watch(ws):
            ws.on("framesent", lambda frame: sent.append(frame))
            ws.on("framereceived", lambda frame: received.append((time.monotonic(), frame)))

        page.on("websocket", watch)
        page.goto(url)
        page.wait_for_function("() => !!document.querySelector('button')")
        page.wait_for_timeout(2000)  # hydrated and quiet
        events = []
        for name in button_names:
            before = len(sent)
            clicked = time.monotonic()
            page.get_by_role("button", name=name).click()
            page.wait_for_timeout(1500)
            events += [f for f in sent[before:] if f.startswith(f"42{NAMESPACE},")]
            replies = sum(1 for t, f in received if t >= clicked and f.startswith(f"42{NAMESPACE},"))
        browser.close()
    connect = next(f for f in sent if f.startswith(f"40{NAMESPACE},"))
    return Protocol(connect, events, replies)


@dataclass
class Session:
    """One websocket session: engine.io framing over wsproto on an asyncio stream."""

    host: str
    port: int
    token: str = field(default_factory=lambda: str(uuid.uuid4()))

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.inbox: asyncio.Queue[str] = asyncio.Queue()
        target = f"{NAMESPACE}/?token={self.token}&EIO=4&transport=websocket"
        origin = f"http://localhost:{self.port}"
        self.writer.write(
            self.ws.send(
                Request(host=f"localhost:{self.port}", target=target, extra_headers=[(b"origin", origin.encode())])
            )
        )
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
                elif isinstance(event, AcceptConnection):
                    pass

    async def send(self, text: str) -> None:
        self.writer.write(self.ws.send(Message(data=text)))
        await self.writer.drain()

    async def replies(self, count: int) -> None:
        """Wait for count event messages from the server."""
        while count:
            if (await self.inbox.get()).startswith(f"42{NAMESPACE},"):
                count -= 1

    async def close(self) -> None:
        self.reading.cancel()
        self.writer.close()


async def hydrate(session: Session, protocol: Protocol) -> float:
    """Connect with the hydrate event; seconds until the page is hydrated (is_hydrated true)."""
    start = time.perf_counter()
    await session.open()
    await session.send(protocol.connect)
    while '"is_hydrated_rx_state_":true' not in await session.inbox.get():
        pass
    return time.perf_counter() - start


async def load(host: str, port: int, protocol: Protocol) -> dict[str, float]:
    """SESSIONS sessions hydrate at once, then each sends cheap events one after another for SECONDS."""
    sessions = [Session(host, port) for _ in range(SESSIONS)]
    hydrations = await asyncio.gather(*(hydrate(s, protocol) for s in sessions))
    latencies: list[float] = []
    stop_at = time.perf_counter() + SECONDS

    async def loop(session: Session) -> None:
        n = 0
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            await session.send(protocol.events[n % len(protocol.events)])
            await session.replies(protocol.replies)
            latencies.append(time.perf_counter() - start)
            n += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(s) for s in sessions))
    elapsed = time.perf_counter() - started
    for session in sessions:
        await session.close()
    ordered = sorted(latencies)
    return {
        "events/s": len(latencies) / elapsed,
        "median ms": statistics.median(ordered) * 1000,
        "p95 ms": ordered[int(len(ordered) * 0.95)] * 1000,
        "hydrate p95 ms": sorted(hydrations)[int(len(hydrations) * 0.95)] * 1000,
        "replies": protocol.replies,
    }


def main() -> None:
    results = {}
    with side_by_side(BLANK_APP) as (blank_url, url):
        apps = {
            "blank Reflex app": (blank_url, record(blank_url + "/", ["Go", "Go"])),
            "MyPage": (url, record(url + "/", ["大きく", "標準"])),
        }
        for name, (app_url, protocol) in apps.items():
            results[name] = asyncio.run(load("127.0.0.1", int(app_url.rsplit(":", 1)[1]), protocol))
    blank = results["blank Reflex app"]
    print(f"{SESSIONS} websocket sessions, {SECONDS:.0f} s of cheap events each app (MyPage: 文字サイズ on /)")
    print(f"{'':18}{'events/s':>10}{'median ms':>11}{'p95 ms':>9}{'hydrate p95 ms':>16}{'replies':>9}")
    for name, r in results.items():
        print(
            f"{name:18}{r['events/s']:>10.0f}{r['median ms']:>11.1f}{r['p95 ms']:>9.1f}"
            f"{r['hydrate p95 ms']:>16.0f}{r['replies']:>9}"
        )
    print(f"cost of a cheap event, MyPage / blank: {blank['events/s'] / results['MyPage']['events/s']:.2f}×")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
