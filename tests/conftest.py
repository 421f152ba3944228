"""Fixtures for every test: a fresh migrated database, a real SMTP server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, sync_playwright
from sqlmodel import Session

from mypage import db
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS
from tests.postgres import postgres_server
from tests.support import TMP, MailCatcher, free_port


@pytest.fixture(scope="session")
def migrated_template() -> Path:
    """A database file upgraded once through Alembic, copied for each test."""
    path = TMP / "template.db"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(migrated_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database of this test's own."""
    path = tmp_path / "test.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def dbs(database_url: str) -> Session:
    """A session on this test's own database."""
    with Session(db.engine_for(database_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on loopback; yields (host, port, catcher)."""
    catcher = MailCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.hostname, controller.port, catcher
    controller.stop()


@pytest.fixture
def mail(smtp_server) -> MailCatcher:
    """The catcher of the session's SMTP server."""
    return smtp_server[2]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A migrated database on a real PostgreSQL server of the test session's own."""
    with postgres_server() as url:
        db.upgrade(url)
        yield url


# One Playwright for the whole run: the browser and production tests share it (a second
# sync_playwright in the same thread refuses to start).
@pytest.fixture(scope="session")
def browser() -> Browser:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
