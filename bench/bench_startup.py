"""Cold start (command → first HTTP 200) and the login page's load time in Chromium,
for MyPage and for a blank Reflex app built the same way; medians and ratios."""

from __future__ import annotations

import contextlib
import os
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

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
LOADS = int(os.environ.get("BENCH_LOADS", "7"))
BLANK_APP = """
import reflex as rx

def index():
    return rx.vstack(rx.heading("Blank"), rx.input(placeholder="ID"), rx.button("Go"))

app = rx.App()
app.add_page(index, route="/")
"""
# In memory; with BLANK_REDIS_URL (and BLANK_URL, its public address) the state is in Redis, as
# MyPage's workers have it (bench_load's blank app behind nginx).
BLANK_CONFIG = """
import os
import reflex as rx
redis = os.environ.get("BLANK_REDIS_URL")
url = {"api_url": os.environ["BLANK_URL"], "deploy_url": os.environ["BLANK_URL"]} if "BLANK_URL" in os.environ else {}
config = rx.Config(app_name="blank", telemetry_enabled=False, show_built_with_reflex=False,
                   state_manager_mode="redis" if redis else "memory", redis_url=redis,
                   disable_plugins=["reflex.plugins.sitemap.SitemapPlugin"], **url)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(port: int, db_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "PORT": str(port),
        "MYPAGE_ENV": "development",
        "MYPAGE_DATABASE_URL": f"sqlite:///{db_dir / 'bench.db'}",
        "MYPAGE_BASE_URL": f"http://localhost:{port}",
    }


def cold_start(cwd: Path, env: dict[str, str], port: int) -> tuple[float, subprocess.Popen]:
    """Seconds from `reflex run --env prod` to the first HTTP 200 of /; the server keeps running."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reflex",
            "run",
            "--env",
            "prod",
            "--single-port",
            "--frontend-port",
            str(port),
            "--backend-port",
            str(port),
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{cwd} exited while starting")
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/", timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - start, process
        except OSError:
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def page_loads(url: str, ready_selector: str) -> list[float]:
    """Milliseconds from navigation to the page's form being visible, in fresh contexts."""
    from playwright.sync_api import sync_playwright

    from tests.browser.support import CHROMIUM, CHROMIUM_ARGS

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(LOADS + 1):
            context = browser.new_context(viewport={"width": 375, "height": 800})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.locator(ready_selector).first.wait_for(state="visible")
            times.append((time.perf_counter() - start) * 1000)
            context.close()
        browser.close()
    return times[1:]  # the first load warms Chromium itself


def measure(name: str, cwd: Path, ready_selector: str, prepare=None) -> tuple[float, float]:
    db_dir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    starts, loads = [], []
    for run in range(RUNS + 1):
        port = free_port()
        env = environment(port, db_dir)
        if prepare:
            prepare(env)
        seconds, process = cold_start(cwd, env, port)
        try:
            if run == 0:
                continue  # the first run installs frontend packages; not a cold start
            starts.append(seconds)
            if run == 1:
                loads = page_loads(f"http://localhost:{port}/", ready_selector)
        finally:
            stop(process)
    shutil.rmtree(db_dir, ignore_errors=True)
    return statistics.median(starts), statistics.median(loads)


def prepare_mypage(env: dict[str, str]) -> None:
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "mypage.operator.cli", *step], cwd=ROOT, env=env, check=True, capture_output=True
        )


def blank_app(source: str = BLANK_APP) -> Path:
    """A blank Reflex app (by default a heading, an input and a button) in a fresh folder."""
    folder = Path(tempfile.mkdtemp(prefix="bench-blank-"))
    (folder / "blank").mkdir()
    (folder / "blank" / "__init__.py").write_text("")
    (folder / "blank" / "blank.py").write_text(source)
    (folder / "rxconfig.py").write_text(BLANK_CONFIG)
    return folder


@contextlib.contextmanager
def side_by_side(blank_source: str = BLANK_APP, prepare=None) -> Iterator[tuple[str, str]]:
    """Production builds of a blank app and of MyPage (demo data) running at once; yields their URLs.

    Measured in turn while both run, so that the load of a shared machine hits both alike.
    prepare(env), when given, may change MyPage's environment and database before it starts.
    """
    blank_dir, db_dir = blank_app(blank_source), Path(tempfile.mkdtemp(prefix="bench-mypage-"))
    blank_port, port = free_port(), free_port()
    env = environment(port, db_dir)
    prepare_mypage(env)
    if prepare:
        prepare(env)
    _, blank_server = cold_start(blank_dir, environment(blank_port, db_dir), blank_port)
    try:
        _, server = cold_start(ROOT, env, port)
        try:
            yield f"http://localhost:{blank_port}", f"http://localhost:{port}"
        finally:
            stop(server)
    finally:
        stop(blank_server)
        shutil.rmtree(blank_dir, ignore_errors=True)
        shutil.rmtree(db_dir, ignore_errors=True)


def main() -> None:
    blank_dir = blank_app()
    blank_start, blank_load = measure("blank", blank_dir, "input")
    start, load = measure("mypage", ROOT, "input#field-login_id", prepare_mypage)
    shutil.rmtree(blank_dir, ignore_errors=True)
    print(f"runs: {RUNS} cold starts, {LOADS} page loads each (medians)")
    print(f"{'':24}{'MyPage':>10}{'blank Reflex':>14}{'ratio':>8}")
    print(f"{'cold start (s)':24}{start:>10.2f}{blank_start:>14.2f}{start / blank_start:>8.2f}")
    print(f"{'login page load (ms)':24}{load:>10.0f}{blank_load:>14.0f}{load / blank_load:>8.2f}")


if __name__ == "__main__":
    main()
