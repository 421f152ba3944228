"""MyPage under load on the embedded default and on the production stack, beside a blank Reflex app.

Three set-ups, each with MyPage and a blank Reflex app (a button that flips a bool) running side
by side and measured in turn:

- embedded: `make run`'s default, SQLite, Reflex's in-memory state, one process on one port;
- 1 worker and 2 workers: `mypage serve` on PostgreSQL + Redis behind nginx from deploy/ (TLS),
  started by the production tests' harness (tests/production/stack.py), and the blank app on
  the same stack (its backend workers sharing Redis, behind the same nginx site).

For each: BENCH_SESSIONS (200) websocket sessions hydrate the login page, then each sends a
cheap event after the other for BENCH_EVENT_SECONDS (10 s): MyPage's 文字サイズ toggle, the blank
app's button. Then BENCH_LOGIN_SESSIONS (50) tabs log in through the login form for
BENCH_LOGIN_SECONDS (20 s), each login with an account of its own: the ログイン event (bcrypt and
the throttles in a worker thread), the ticket in its reply, the ticket posted for the session cookie,
as a browser does. Logins per second stand beside the machine's bcrypt limit: cores ÷ the time of
one bcrypt check at the same cost (BENCH_BCRYPT_ROUNDS, 12 as in production), measured here.

Prints a Markdown table with ratios to the blank app, and the figures as JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from bench.bench_events import BLANK_APP
from bench.bench_login import add_accounts as add_login_accounts
from bench.bench_startup import ROOT, blank_app, side_by_side
from bench.loadclient import Protocol, Target, events, logins, record, record_login
from mypage import routes

SESSIONS = int(os.environ.get("BENCH_SESSIONS", "200"))
SECONDS = float(os.environ.get("BENCH_EVENT_SECONDS", "10"))
LOGIN_SESSIONS = int(os.environ.get("BENCH_LOGIN_SESSIONS", "50"))
LOGIN_SECONDS = float(os.environ.get("BENCH_LOGIN_SECONDS", "20"))
ROUNDS = int(os.environ.get("BENCH_BCRYPT_ROUNDS", "12"))
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2").split(",") if n]
PASSWORD = "Kumo2024Sora"


def add_accounts(database_url: str, prefix: str, count: int) -> list[str]:
    """`count` active accounts with the same password at the benchmark's cost; their login IDs."""
    from sqlmodel import Session

    from mypage import db
    from mypage.security import hash_password

    ids = [f"{prefix}{i:05d}" for i in range(count)]
    with Session(db.engine_for(database_url)) as s:
        add_login_accounts(s, ids, hash_password(PASSWORD, ROUNDS))
        s.commit()
    return ids


def accounts_needed() -> int:
    """More accounts than the logins that can happen in the time (each logs in once)."""
    return int(LOGIN_SESSIONS + LOGIN_SECONDS * bcrypt_limit() * 1.5) + 1


def bcrypt_check() -> tuple[float, float]:
    """One bcrypt check at the benchmark's cost: (wall seconds, CPU seconds), medians of 5.

    The wall time is what this process got of the machine just now (the limit beside the
    logins measured alike); the CPU time is what a core of its own would take (for sizing).
    """
    import bcrypt

    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(ROUNDS))
    walls, cpus = [], []
    for _ in range(5):
        wall, cpu = time.perf_counter(), time.thread_time()
        bcrypt.checkpw(PASSWORD.encode(), hashed)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.thread_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def bcrypt_limit() -> float:
    """Logins per second the machine's cores allow at all: cores ÷ one bcrypt check."""
    return (os.cpu_count() or 1) / bcrypt_check()[0]


def redis_memory(url: str | None) -> int:
    """Redis's used_memory in bytes (0 without Redis)."""
    if not url:
        return 0
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=10) as sock:
        sock.sendall(b"INFO memory\r\n")
        data = b""
        while b"used_memory:" not in data or not data.endswith(b"\r\n"):
            data += sock.recv(65536)
    return int(re.search(rb"used_memory:(\d+)", data).group(1))


def measure(
    blank: tuple[Target, Protocol],
    mypage: tuple[Target, Protocol],
    login: tuple[Protocol, str],
    login_ids,
    cookie: str,
    redis_url: str | None = None,
) -> dict:
    """Events of both apps, then MyPage's logins (the recorded ログイン and the login ID it names); a row.

    With Redis, also the memory that MyPage's tabs of the event run added (their states stay for
    Reflex's token expiry after the tabs closed), per tab.
    """
    row = {"blank": asyncio.run(events(*blank, SESSIONS, SECONDS))}
    before = redis_memory(redis_url)
    row["MyPage"] = asyncio.run(events(*mypage, SESSIONS, SECONDS))
    if redis_url:
        row["redis bytes per tab"] = (redis_memory(redis_url) - before) / SESSIONS
    wall, cpu = bcrypt_check()
    row["bcrypt limit/s"] = (os.cpu_count() or 1) / wall
    row["bcrypt cpu ms"] = cpu * 1000
    target = mypage[0]
    row["logins"] = asyncio.run(
        logins(
            target,
            login[0],
            iter(login_ids),
            login[1],
            routes.SESSION_START,
            LOGIN_SESSIONS,
            LOGIN_SECONDS,
            lambda head: head.startswith("HTTP/1.1 303") and f"set-cookie: {cookie}=" in head.lower(),
        )
    )
    row["load average"] = os.getloadavg()[0]  # of the whole machine, others' work included
    print(json.dumps(row), flush=True)
    return row


@contextlib.contextmanager
def blank_stack(blank_dir: Path, redis_url: str, database_url: str, workers: int, folder: Path, https_port: int):
    """The blank app as MyPage's launch runs: `workers` Reflex backends sharing Redis behind the same nginx site."""
    from mypage.operator.serve import reflex_env, worker_command
    from tests.production import stack as st
    from tests.support import free_port

    url = f"https://127.0.0.1:{https_port}"
    env = {**reflex_env(ROOT), "GRANIAN_WORKERS": "1", "BLANK_REDIS_URL": redis_url, "BLANK_URL": url}
    static = blank_dir / ".web" / "build" / "client"
    if not (static / "index.html").exists():
        subprocess.run(
            [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"],
            cwd=blank_dir, env=env, check=True, capture_output=True,
        )  # fmt: skip
    first = st.consecutive_ports(workers)
    ports = list(range(first, first + workers))
    log = folder / "blank-workers.log"
    processes = []
    nginx = None
    try:
        with log.open("a") as out:
            for port in ports:
                processes.append(
                    subprocess.Popen(
                        worker_command(port), cwd=blank_dir, env=env, stdout=out, stderr=out, start_new_session=True
                    )
                )
        for port in ports:
            st.wait_for(lambda p=port: _pings(p), f"blank worker {port}", 180, log)
        site_env = st.production_env(url, database_url, redis_url, ports, folder)
        site_env["MYPAGE_STATIC_DIR"] = str(static)
        nginx_dir = folder / f"blank-nginx-{workers}"
        nginx_dir.mkdir()
        nginx = st.Nginx(st.render_site(ROOT, site_env, nginx_dir, https_port, free_port()), nginx_dir / "nginx.log")
        nginx.start()
        st.wait_for(lambda: st.https_get(url + "/")[0] == 200, "nginx answering for the blank app", 30, nginx.log)
        yield Target(url)
    finally:
        if nginx is not None:
            nginx.stop()
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _pings(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def embedded() -> tuple[dict, dict[str, Protocol], str]:
    """The embedded default, MyPage and blank app side by side; the row, the recorded protocols and the
    login ID that the recorded ログイン names."""
    database: dict[str, str] = {}

    def prepare(env: dict[str, str]) -> None:
        # make run's settings, whatever this process's environment holds.
        env.update(MYPAGE_ENV="development", MYPAGE_BCRYPT_ROUNDS=str(ROUNDS), MYPAGE_CAPTCHA_TEST_MODE="0")
        database["url"] = env["MYPAGE_DATABASE_URL"]
        database["ids"] = add_accounts(env["MYPAGE_DATABASE_URL"], "emb", accounts_needed())

    with side_by_side(BLANK_APP, prepare) as (blank_url, url):
        ids = database["ids"]
        protocols = {
            "blank": record(blank_url + "/", ["Go", "Go"]),
            "MyPage": record(url + "/", ["大きく", "標準"]),
            "login": record_login(url + "/", ids[0], PASSWORD),
        }
        row = measure(
            (Target(blank_url), protocols["blank"]),
            (Target(url), protocols["MyPage"]),
            (protocols["login"], ids[0]),
            ids[1:],  # the first logged in while recording
            "mypage_session",
        )
    return row, protocols, ids[0]


def on_stack(protocols: dict[str, Protocol], recorded_id: str) -> Iterator[tuple[int, dict]]:
    """The production stack with 1 and 2 workers (BENCH_WORKERS), and the blank app on it; (workers, row)."""
    from tests.postgres import postgres_server
    from tests.production import stack as st
    from tests.redisserver import redis_server
    from tests.support import free_port

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    blank_dir = blank_app(BLANK_APP)
    https_port, blank_port = free_port(), free_port()
    try:
        with postgres_server() as database_url, redis_server() as redis_url:
            for n, workers in enumerate(WORKERS):
                settings = {"MYPAGE_BCRYPT_ROUNDS": str(ROUNDS)}
                serve_args = ("--no-build",) if n else ()
                with st.production_stack(
                    folder, database_url, redis_url, settings, workers, serve_args, https_port
                ) as stack:
                    ids = add_accounts(database_url, f"w{workers}x", accounts_needed())  # serve migrated it
                    blank_redis = redis_url.rsplit("/", 1)[0] + "/1"
                    with blank_stack(blank_dir, blank_redis, database_url, workers, folder, blank_port) as blank:
                        yield (
                            workers,
                            measure(
                                (blank, protocols["blank"]),
                                (Target(stack.url), protocols["MyPage"]),
                                (protocols["login"], recorded_id),
                                ids,
                                "__host-mypage_session",
                                redis_url,
                            ),
                        )
    finally:
        shutil.rmtree(blank_dir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


def table(rows: dict[str, dict]) -> str:
    """The Markdown table: per set-up, the blank app's and MyPage's figures with ratios."""
    lines = [
        "| set-up | app | events/s | median ms | p95 ms | p95 × blank | events/s ÷ blank | hydrate p95 ms "
        "| logins/s | bcrypt limit/s | logins ÷ limit | Redis per tab | load average |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in rows.items():
        blank, mine, login = row["blank"], row["MyPage"], row["logins"]
        lines.append(
            f"| {name} | blank Reflex app | {blank['events/s']:.0f} | {blank['median ms']:.0f} | "
            f"{blank['p95 ms']:.0f} | 1.00 | 1.00 | {blank['hydrate p95 ms']:.0f} | | | | | |"
        )
        lines.append(
            f"| {name} | MyPage | {mine['events/s']:.0f} | {mine['median ms']:.0f} | {mine['p95 ms']:.0f} | "
            f"{mine['p95 ms'] / blank['p95 ms']:.2f} | {mine['events/s'] / blank['events/s']:.2f} | "
            f"{mine['hydrate p95 ms']:.0f} | {login['logins/s']:.1f} ({login['logins']}, {login['failed']} failed) | "
            f"{row['bcrypt limit/s']:.1f} (one check {(os.cpu_count() or 1) * 1000 / row['bcrypt limit/s']:.0f} ms, "
            f"CPU {row.get('bcrypt cpu ms', float('nan')):.0f} ms) | {login['logins/s'] / row['bcrypt limit/s']:.2f} | "
            + (f"{row['redis bytes per tab'] / 1024:.1f} KiB" if "redis bytes per tab" in row else "in memory")
            + f" | {row['load average']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    rows = {}
    row, protocols, recorded_id = embedded()
    rows["embedded (SQLite, memory, 1 process)"] = row
    for workers, row in on_stack(protocols, recorded_id):
        rows[f"{workers} worker{'s' if workers > 1 else ''} (PostgreSQL, Redis, nginx)"] = row
    print(
        f"\n{SESSIONS} websocket sessions, {SECONDS:.0f} s of cheap events per app (MyPage: 文字サイズ on /); "
        f"{LOGIN_SESSIONS} tabs logging in for {LOGIN_SECONDS:.0f} s, bcrypt cost {ROUNDS}, {os.cpu_count()} CPUs\n"
    )
    print(table(rows))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
