"""Member area: median load time of the home and billing data, and of the qualified-invoice PDF,
with 24 and 120 months of history (a fresh SQLite database in a temporary folder)."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_LOADS", "25"))


def median_ms(action, runs: int = RUNS) -> float:
    action()  # warm caches and imports once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="mypage-bench-member-"))
    os.environ.setdefault("MYPAGE_DATABASE_URL", f"sqlite:///{folder / 'bench.db'}")
    from sqlmodel import Session

    from mypage import billing, db, home, invoices
    from tests import member_data as md

    url = f"sqlite:///{folder / 'member.db'}"
    db.upgrade(url)
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

            def bills(c=customer):
                billing.years(session, c.id)
                billing.statements(session, c.id, today)

            item = billing.latest(session, customer.id, today)
            figures = (
                median_ms(lambda a=account: home.home(session, a.id, now)),
                median_ms(bills),
                median_ms(lambda c=customer: billing.statements(session, c.id, today, limit=None)),
                median_ms(lambda i=item, c=customer: invoices.invoice_pdf(i, c.name)),
            )
            session.expunge_all()
            print(f"{months:>6} {figures[0]:>10.2f} {figures[1]:>11.2f} {figures[2]:>10.2f} {figures[3]:>8.2f}")


if __name__ == "__main__":
    main()
