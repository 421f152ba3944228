"""The production stack for the tests of this folder: built once, on PostgreSQL + Redis, behind nginx."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.postgres import postgres_server
from tests.production import stack as st
from tests.redisserver import redis_server
from tests.support import TMP

Stack = st.Stack


@pytest.fixture(scope="session")
def stack(smtp_server) -> Stack:
    """PostgreSQL, Redis, `mypage serve` with 2 workers (production mode) and nginx from deploy/."""
    host, smtp_port, _ = smtp_server
    settings = {"MYPAGE_SMTP_HOST": host, "MYPAGE_SMTP_PORT": str(smtp_port), "MYPAGE_BCRYPT_ROUNDS": "4"}
    with postgres_server() as database_url, redis_server() as redis_url:
        with st.production_stack(TMP / "production", database_url, redis_url, settings) as running:
            yield running


@pytest.fixture
def context(browser: Browser):
    """A browser context that accepts the test certificate; fails the test on a page error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", ignore_https_errors=True)
    context.set_default_timeout(20_000)
    problems: list[str] = []
    context.problems = problems
    yield context
    context.close()


@pytest.fixture
def page(context) -> Page:
    """A fresh tab in its own context."""
    return context.new_page()
