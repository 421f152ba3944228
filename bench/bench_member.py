"""Member area with 24 and 120 months of history (a fresh SQLite database in a temporary folder):
median time of the home and billing data, of the qualified-invoice PDF, and of the home and
ご請求明細 pages in Chromium (a production build; BENCH_PAGES=0 skips it)."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_LOADS", "25"))
PAGE_LOADS = int(os.environ.get("BENCH_PAGE_LOADS", "7"))


def median_ms(action, runs: int = RUNS) -> float:
    action()  # warm caches and imports once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def page_loads(port: int, tokens: dict[int, str]) -> dict[tuple[int, str], float]:
    """Median ms from navigation to the data on screen, in fresh 375 px contexts with the session cookie."""
    from playwright.sync_api import sync_playwright

    from mypage import routes
    from mypage.accounts import sessions
    from tests.browser.support import CHROMIUM, CHROMIUM_ARGS

    # What shows that the page has its data: the bill's amount, the chart's bars and the oldest month.
    ready = {routes.HOME: "text=ご請求明細を見る", routes.BILLS: ".bill-chart-bar >> nth=23"}
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for months, token in tokens.items():
            for path, selector in ready.items():
                times = []
                for _ in range(PAGE_LOADS + 1):
                    context = browser.new_context(viewport={"width": 375, "height": 800})
                    context.add_cookies(
                        [
                            {
                                "name": sessions.cookie_name(),
                                "value": token,
                                "url": f"http://localhost:{port}",
                                "httpOnly": True,
                            }
                        ]
                    )
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(f"http://localhost:{port}{path}")
                    page.locator(selector).wait_for(state="visible", timeout=30_000)
                    times.append((time.perf_counter() - start) * 1000)
                    context.close()
                results[months, path] = statistics.median(times[1:])  # the first warms Chromium
        browser.close()
    return results


def measure_pages(folder: Path, tokens: dict[int, str]) -> None:
    from bench.bench_startup import cold_start, environment, free_port, stop
    from mypage import routes

    port = free_port()
    _, process = cold_start(Path(__file__).resolve().parent.parent, environment(port, folder), port)
    try:
        results = page_loads(port, tokens)
    finally:
        stop(process)
    print(
        f"\n{'months':>6} {'home page':>10} {'bills page':>11}  (median ms to data on screen, "
        f"{PAGE_LOADS} loads, 375 px)"
    )
    for months in tokens:
        print(f"{months:>6} {results[months, routes.HOME]:>10.0f} {results[months, routes.BILLS]:>11.0f}")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="mypage-bench-member-"))
    url = f"sqlite:///{folder / 'bench.db'}"  # the file bench_startup.environment() gives the portal
    os.environ.setdefault("MYPAGE_DATABASE_URL", url)
    from sqlmodel import Session

    from mypage import db, home
    from mypage.accounts import sessions
    from mypage.billing import invoices, statements
    from tests import member_data as md

    db.upgrade(url)
    tokens = {}
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    print(f"{'months':>6} {'home data':>10} {'bills data':>11} {'all bills':>10} {'PDF':>8}  (median ms, {RUNS} runs)")
    with Session(db.engine_for(url), expire_on_commit=False) as session:
        for months in (24, 120):
            customer = md.customer(session, f"b{months}")
            account = md.account(session, customer)
            md.invoices(session, customer, months, today)
            md.login_sessions(session, account, now - dt.timedelta(days=7), now)
            md.notice(session, "お知らせ", now - dt.timedelta(days=1))
            tokens[months] = sessions.start(session, account.id)
            session.commit()

            def bills(c=customer):
                statements.years(session, c.id)
                statements.statements(session, c.id, today)

            item = statements.latest(session, customer.id, today)
            figures = (
                median_ms(lambda a=account: home.home(session, a.id, now)),
                median_ms(bills),
                median_ms(lambda c=customer: statements.statements(session, c.id, today, limit=None)),
                median_ms(lambda i=item, c=customer: invoices.invoice_pdf(i, c.name)),
            )
            session.expunge_all()
            print(f"{months:>6} {figures[0]:>10.2f} {figures[1]:>11.2f} {figures[2]:>10.2f} {figures[3]:>8.2f}")
    if os.environ.get("BENCH_PAGES", "1") != "0":
        measure_pages(folder, tokens)


if __name__ == "__main__":
    main()
