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

from bench.bench_startup import side_by_side
from bench.loadclient import Target, events, record

SESSIONS = int(os.environ.get("BENCH_SESSIONS", "200"))
SECONDS = float(os.environ.get("BENCH_EVENT_SECONDS", "10"))
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


def main() -> None:
    results = {}
    with side_by_side(BLANK_APP) as (blank_url, url):
        apps = {
            "blank Reflex app": (blank_url, record(blank_url + "/", ["Go", "Go"])),
            "MyPage": (url, record(url + "/", ["大きく", "標準"])),
        }
        for name, (app_url, protocol) in apps.items():
            results[name] = asyncio.run(events(Target(app_url), protocol, SESSIONS, SECONDS))
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
