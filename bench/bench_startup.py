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
import threading
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


# Lines `reflex run` prints as a step ends: the app imported and compiled, the frontend built.
MARKERS = {"compile": "Compiling:", "build": "Creating Production Build"}


def _watch(process: subprocess.Popen, start: float, seen: dict[str, float]) -> None:
    """Note when each marker first appears in the output (read to the end, so the pipe never fills)."""
    for line in process.stdout:
        for phase, marker in MARKERS.items():
            if phase not in seen and marker in line:
                seen[phase] = time.perf_counter() - start


def cold_start(
    cwd: Path, env: dict[str, str], port: int, phases: dict[str, float] | None = None
) -> tuple[float, subprocess.Popen]:
    """Seconds from `reflex run --env prod` to the first HTTP 200 of /; the server keeps running.

    `phases`, if given, gets the seconds until the app was compiled ("compile", imports and the
    schema check included) and until the frontend was built ("build").
    """
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
        env={**env, "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    threading.Thread(target=_watch, args=(process, start, {} if phases is None else phases), daemon=True).start()
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


def measure(name: str, cwd: Path, ready_selector: str, prepare=None) -> dict[str, float]:
    """Median cold start (and its phases) over RUNS starts, and the login page's median load time."""
    db_dir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    starts, compiles, builds, loads = [], [], [], []
    for run in range(RUNS + 1):
        port = free_port()
        env = environment(port, db_dir)
        if prepare:
            prepare(env)
        phases: dict[str, float] = {}
        seconds, process = cold_start(cwd, env, port, phases)
        try:
            if run == 0:
                continue  # the first run installs frontend packages; not a cold start
            starts.append(seconds)
            compiles.append(phases.get("compile", float("nan")))
            builds.append(phases.get("build", float("nan")) - phases.get("compile", float("nan")))
            if run == 1:
                loads = page_loads(f"http://localhost:{port}/", ready_selector)
        finally:
            stop(process)
    shutil.rmtree(db_dir, ignore_errors=True)
    return {
        "cold start (s)": statistics.median(starts),
        "  import + compile (s)": statistics.median(compiles),
        "  frontend build (s)": statistics.median(builds),
        "  backend up (s)": statistics.median(s - c - b for s, c, b in zip(starts, compiles, builds, strict=True)),
        "login page load (ms)": statistics.median(loads),
    }


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
    blank = measure("blank", blank_dir, "input")
    mypage = measure("mypage", ROOT, "input#field-login_id", prepare_mypage)
    shutil.rmtree(blank_dir, ignore_errors=True)
    print(f"runs: {RUNS} cold starts, {LOADS} page loads each (medians); each start builds the frontend")
    print(f"{'':24}{'MyPage':>10}{'blank Reflex':>14}{'ratio':>8}")
    for key, value in mypage.items():
        digits = 0 if "(ms)" in key else 2
        print(f"{key:24}{value:>10.{digits}f}{blank[key]:>14.{digits}f}{value / blank[key]:>8.2f}")


if __name__ == "__main__":
    main()
