"""The support desk in the browser: a locked subscriber phones, staff unlock, the subscriber logs in."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from mypage.accounts import login
from tests.browser.auth_support import (
    PASSWORD,
    clean_address,  # noqa: F401 (fixture)
    log_in,
    new_account,
    open_login,
    reload_account,
    submit_login,
)

pytestmark = pytest.mark.usefixtures("clean_address")


def test_a_locked_subscriber_is_unlocked_by_staff_and_logs_in(app, page: Page):
    account = new_account(app)
    with app.db() as db:
        for n in range(login.FAILURES_TO_LOCK):  # from other addresses, as a guesser would
            login.attempt(db, account.login_id, "Wrong1234x", ip=f"198.51.100.{n}")
        db.commit()
    open_login(app, page)
    submit_login(page, account.login_id, PASSWORD, refused=True)
    expect(page.get_by_role("alert").filter(has_text="停止しています")).to_be_visible()

    done = app.cli("account", "unlock", account.login_id, "--staff", "窓口 佐藤", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["was_locked"] is True
    assert reload_account(app, account).locked_until is None

    log_in(app, page, account)
