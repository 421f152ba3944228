"""What browser tests share: Chromium's flags, the running portal, accessibility checks."""

from __future__ import annotations

import os
import subprocess
import sys
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
            [sys.executable, "-m", "mypage.cli", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, check=False,
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
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.documentElement.dataset.font !== undefined")
