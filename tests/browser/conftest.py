"""One production build of the portal for all browser tests, fresh demo rows per module, Chromium.

Like Reflex's own integration tests, a console error or an uncaught page error fails the test.
"""

from __future__ import annotations

import json
import os
import sys

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page

from mypage.models import CaptchaChallenge, SQLModel
from mypage.operator.demo_reset import RETAINED_TABLES
from tests.browser.devportal import dev_app  # noqa: F401  (the development build, for /dev/mail and /dev/gallery)
from tests.browser.support import (
    ROOT,
    WIDTHS,
    App,
    running_portal,
    running_server,
    tracked_lock_files,
)
from tests.support import TMP, free_port

GATEWAY_SECRET = "browser-tests-gateway-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def gateway_url() -> str:
    """The local test payment gateway (testgateway), on a free port of its own."""
    port = free_port()
    env = {**os.environ, "MYPAGE_PAYMENT_GATEWAY_SECRET": GATEWAY_SECRET}
    command = [sys.executable, "-m", "testgateway", "--port", str(port)]
    with running_server(command, ROOT, env, port, TMP / "gateway.log", timeout=60, paths=("/ping",)) as url:
        yield url


@pytest.fixture(scope="session")
def portal(smtp_server, gateway_url) -> App:
    """Build and start the portal once, on a free port, with its own database."""
    host, smtp_port, _ = smtp_server
    port = free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "MYPAGE_ENV": "test",
        "MYPAGE_DATABASE_URL": f"sqlite:///{TMP / 'app.db'}",
        "MYPAGE_SMTP_HOST": host,
        "MYPAGE_SMTP_PORT": str(smtp_port),
        "MYPAGE_CAPTCHA_TEST_MODE": "1",
        "MYPAGE_BCRYPT_ROUNDS": "4",
        "MYPAGE_OUTBOX_DIR": str(TMP / "app-outbox"),
        "MYPAGE_BASE_URL": url,
        "PORT": str(port),
        "MYPAGE_PAYMENT_GATEWAY_URL": gateway_url,
        "MYPAGE_PAYMENT_GATEWAY_SECRET": GATEWAY_SECRET,
    }
    portal = App(url, env, {})
    portal.lock_files = tracked_lock_files()
    done = portal.cli("db", "upgrade")
    assert done.returncode == 0, done.stderr
    with running_portal(ROOT, env, port, TMP / "app.log"):
        yield portal


@pytest.fixture(scope="module")
def app(portal: App) -> App:
    """The running portal with the demo as on first load: each test module starts from the same rows.

    Every row goes but customers and their invoices, which nothing may delete for 7 years (a
    trigger refuses); `mypage demo --reset` then restores the demo customers and their bills.
    """
    engine = sa.create_engine(portal.database_url)
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in RETAINED_TABLES:
                conn.execute(table.delete())
    engine.dispose()
    done = portal.cli("demo", "--reset", "--json")
    assert done.returncode == 0, done.stderr
    return App(portal.url, portal.env, json.loads(done.stdout))


def _open_page(browser: Browser, width: int, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.problems = problems  # tests that provoke an expected error may clear it
    yield page
    context.close()
    if "allow_console_errors" not in request.keywords:
        assert not problems, "\n".join(problems)


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    """A fresh browser context at 1280 px; fails the test on any console or page error."""
    yield from _open_page(browser, WIDTHS["desktop"], request)


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def any_page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    """The same test at 1280 px and at 375 px."""
    yield from _open_page(browser, WIDTHS[request.param], request)


@pytest.fixture
def mobile_page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    """A fresh browser context at 375 px."""
    yield from _open_page(browser, WIDTHS["mobile"], request)


@pytest.fixture(autouse=True)
def fresh_captcha_allowance(request: pytest.FixtureRequest):
    """Every browser test comes from 127.0.0.1: each starts with the address's CAPTCHA allowance unused."""
    if "app" in request.fixturenames:
        with request.getfixturevalue("app").db() as db:
            db.exec(sa.update(CaptchaChallenge).values(net=""))
            db.commit()
    yield
