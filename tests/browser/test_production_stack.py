"""The portal on its production stack: PostgreSQL for data, Redis for Reflex's state.

A second production build, made from a copy of the checkout so that the session's
portal (SQLite, in-memory state) keeps its own frontend.
"""

from __future__ import annotations

import json
import os
import re

import pytest
import redis
from playwright.sync_api import Page, expect

from mypage import routes
from tests.browser.devportal import cli, copy_checkout
from tests.browser.support import ROOT, running_portal, wait_for_app
from tests.postgres import postgres_server
from tests.redisserver import redis_server
from tests.support import TMP, free_port


@pytest.fixture(scope="module")
def stack(smtp_server):
    """The portal built from a copy of the tree, on PostgreSQL and Redis; yields (url, demo, redis URL)."""
    tree = copy_checkout(TMP / "stack")
    host, smtp_port, _ = smtp_server
    port = free_port()
    with postgres_server() as database_url, redis_server() as redis_url:
        env = {
            **os.environ,
            "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
            "REFLEX_USE_SYSTEM_BUN": "1",
            "MYPAGE_ENV": "test",
            "MYPAGE_DATABASE_URL": database_url,
            "MYPAGE_REDIS_URL": redis_url,
            "MYPAGE_SMTP_HOST": host,
            "MYPAGE_SMTP_PORT": str(smtp_port),
            "MYPAGE_BCRYPT_ROUNDS": "4",
            "MYPAGE_BASE_URL": f"http://localhost:{port}",
            "PORT": str(port),
        }
        cli(tree, env, "db", "upgrade")
        demo = json.loads(cli(tree, env, "demo", "--json"))
        with running_portal(tree, env, port, TMP / "stack.log") as url:
            yield url, demo, redis_url


def test_a_subscriber_logs_in_and_reads_bills_on_postgres_and_redis(stack, page: Page):
    url, demo, redis_url = stack
    registered = next(c for c in demo["customers"] if c["kind"] == "registered")
    page.goto(url + routes.LOGIN)
    wait_for_app(page)
    # Full-width, upper-case ID: converted and matched ignoring case, on PostgreSQL too.
    page.get_by_label("ログインID").fill(
        registered["login_id"].upper().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    )
    page.get_by_label("パスワード").fill(registered["password"])
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(re.compile(re.escape(url + routes.HOME)))
    expect(page.get_by_text(registered["name"]).first).to_be_visible()

    page.get_by_role("link", name="ご請求明細").first.click()
    expect(page.get_by_role("heading", level=1, name="ご請求明細")).to_be_visible()
    expect(page.get_by_text(re.compile(r"ACT-1000000004-\d{6}")).first).to_be_visible()
    # Reflex kept this tab's state in Redis, not in the backend's memory.
    assert redis.Redis.from_url(redis_url).dbsize() > 0

    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1, name="マイページログイン")).to_be_visible()
    page.goto(url + routes.BILLS)
    expect(page).to_have_url(re.compile(re.escape(url + routes.LOGIN)))
