"""Login: the median server time of one login next to one bcrypt check at the same cost
(their ratio is the portal's overhead), and logins per second with 50 concurrent clients.

Core level, against a fresh SQLite database in a temporary folder. "One login" is all the
server does for it: the password check with its throttles and audit events, the one-time
ticket, and the ticket's exchange for a session row (mypage.web.http's SESSION_START).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RUNS = int(os.environ.get("BENCH_LOGINS", "25"))
CLIENTS = 50
CONCURRENT_LOGINS = int(os.environ.get("BENCH_CONCURRENT_LOGINS", "100"))
PASSWORD = "Kumo2024Sora"


def add_accounts(s, login_ids: list[str], password_hash: str) -> None:
    """An active account for each login ID (its customer number is "B" + the ID), all with one password."""
    from mypage.models import Account, Customer

    for login_id in login_ids:
        customer = Customer(customer_number=f"B{login_id}", name="ベンチ 太郎")
        s.add(customer)
        s.flush()
        s.add(
            Account(
                customer_id=customer.id,
                login_id=login_id,
                login_id_folded=login_id.lower(),
                password_hash=password_hash,
                email=f"{login_id}@example.jp",
                status="active",
            )
        )


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="mypage-bench-login-"))
    url = f"sqlite:///{folder / 'login.db'}"
    os.environ["MYPAGE_DATABASE_URL"] = url
    from mypage.settings import get_settings

    get_settings.cache_clear()  # another benchmark may have read the settings already

    import bcrypt
    import sqlalchemy as sa
    from sqlmodel import Session

    from mypage import db
    from mypage.accounts import login, sessions
    from mypage.security import hash_password

    rounds = get_settings().bcrypt_rounds
    db.upgrade(url)
    db.engine_for(url).dispose()  # it set WAL mode on the file
    # A pool as large as the client count: what is measured is the login, not the pool's queue.
    engine = sa.create_engine(url, pool_size=CLIENTS, connect_args={"timeout": 60, "check_same_thread": False})
    password_hash = hash_password(PASSWORD, rounds)
    with Session(engine) as s:
        add_accounts(s, [f"bench{i:03d}" for i in range(CLIENTS)], password_hash)
        s.commit()

    def one_login(client: int, serial: int) -> float:
        start = time.perf_counter()
        with Session(engine, expire_on_commit=False) as s:
            outcome = login.attempt(s, f"bench{client:03d}", PASSWORD, ip=f"10.{client}.{serial // 250}.{serial % 250}")
            ticket = sessions.issue_ticket(s, outcome.account_id)
            s.commit()
        with Session(engine, expire_on_commit=False) as s:
            account_id = sessions.redeem_ticket(s, ticket)
            sessions.start(s, account_id, ip="10.0.0.1")
            s.commit()
        assert outcome.status == login.OK and account_id == outcome.account_id
        return time.perf_counter() - start

    def one_bcrypt() -> float:
        start = time.perf_counter()
        bcrypt.checkpw(PASSWORD.encode(), password_hash.encode())
        return time.perf_counter() - start

    one_login(0, 0)  # warm imports and the connection pool
    logins = [one_login(0, n) for n in range(1, RUNS + 1)]
    checks = [one_bcrypt() for _ in range(RUNS)]
    login_ms, bcrypt_ms = statistics.median(logins) * 1000, statistics.median(checks) * 1000

    counter = iter(range(CONCURRENT_LOGINS))
    lock = threading.Lock()

    def client(n: int) -> int:
        done = 0
        while True:
            with lock:
                serial = next(counter, None)
            if serial is None:
                return done
            one_login(n, serial + RUNS + 1)
            done += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        total = sum(pool.map(client, range(CLIENTS)))
    elapsed = time.perf_counter() - start
    # The same number of bare bcrypt checks from as many threads: what the machine allows at all.
    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda _: one_bcrypt(), range(CONCURRENT_LOGINS)))
    bcrypt_elapsed = time.perf_counter() - start

    print(f"bcrypt cost {rounds}, {RUNS} sequential logins, SQLite in {folder}")
    print(f"{'one login (median ms)':34}{login_ms:>10.1f}")
    print(f"{'one bcrypt check (median ms)':34}{bcrypt_ms:>10.1f}")
    print(f"{'ratio (login / bcrypt)':34}{login_ms / bcrypt_ms:>10.2f}")
    print(
        f"{f'logins per second, {CLIENTS} clients':34}{total / elapsed:>10.1f}   ({total} logins in {elapsed:.1f} s, "
        f"{os.cpu_count()} CPUs)"
    )
    print(f"{f'bcrypt checks per second, {CLIENTS} threads':34}{CONCURRENT_LOGINS / bcrypt_elapsed:>10.1f}")


if __name__ == "__main__":
    main()
