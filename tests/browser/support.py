"""What browser tests share: Chromium's flags, the running portal, accessibility checks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from sqlmodel import Session

from mypage import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MYPAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"desktop": 1280, "mobile": 375}


def tracked_lock_files() -> dict[str, bytes]:
    """The frontend lock files as they are now (Reflex rewrites them when it builds)."""
    return {
        str(path.relative_to(ROOT)): path.read_bytes() for path in (ROOT / "reflex.lock").rglob("*") if path.is_file()
    }


class App:
    """The running portal: its URL, environment and database."""

    def __init__(self, url: str, env: dict[str, str], demo: dict) -> None:
        self.url = url
        self.env = env
        self.demo = demo
        self.database_url = env["MYPAGE_DATABASE_URL"]

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of a path of the portal."""
        return self.url + path

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Run the `mypage` command against the portal's database."""
        return subprocess.run(
            [sys.executable, "-m", "mypage.operator.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def db(self) -> Session:
        """A database session on the portal's own database."""
        return Session(db.engine_for(self.database_url), expire_on_commit=False)

    def customer(self, **match) -> dict:
        """The first demo customer whose fields match, from `mypage demo --json`."""
        for customer in self.demo["customers"]:
            if all(customer.get(k) == v for k, v in match.items()):
                return customer
        raise LookupError(match)


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation on the page as it is now."""
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def wait_for_app(page: Page) -> None:
    """Wait until Reflex has hydrated the page and connected its websocket."""
    page.locator("#mypage-ready[data-hydrated='true']").wait_for(state="attached")
    page.wait_for_function("() => document.documentElement.dataset.font !== undefined")


def wait_until_up(
    url: str, process: subprocess.Popen, log: Path, timeout: float = 600, paths: tuple[str, ...] = ("/", "/ping")
) -> None:
    """Wait for a server's paths to answer 200; fail with its log if it exits or hangs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-4000:]}")
        try:
            for path in paths:
                with urllib.request.urlopen(url + path, timeout=5) as response:
                    assert response.status == 200
            return
        except Exception:
            time.sleep(1)
    raise RuntimeError(f"the server did not start in {timeout}s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def running_server(command: list[str], cwd: Path, env: dict[str, str], port: int, log: Path, **wait) -> Iterator[str]:
    """Start a server in its own process group, wait until it answers, stop it after; yields its URL."""
    url = f"http://localhost:{port}"
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_up(url, process, log, **wait)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def running_portal(cwd: Path, env: dict[str, str], port: int, log: Path) -> contextlib.AbstractContextManager[str]:
    """Build and serve the portal in production mode from cwd on one port; yields its URL."""
    ports = ["--frontend-port", str(port), "--backend-port", str(port)]
    command = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port", *ports]
    return running_server(command, cwd, env, port, log)
