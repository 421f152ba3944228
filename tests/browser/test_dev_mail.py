"""メール確認 (/dev/mail): a real sign-up's mail is listed and its link completes verification."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from mypage import mail, routes
from mypage.settings import load
from tests.browser.support import assert_accessible, wait_for_app
from tests.browser.test_register import account_of, new_customer, sign_up


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("path", [routes.DEV_MAIL, routes.DEV_GALLERY])
def test_the_dev_pages_do_not_exist_outside_development(app, path):
    # The session's portal runs with MYPAGE_ENV=test; production decides the same way
    # (mypage.outbox.dev_tools_enabled, tested for each environment in tests/core/test_outbox.py).
    assert status_of(app(path)) == 404
    assert status_of(app(routes.LOGIN)) == 200


def test_a_sign_up_mail_is_listed_and_its_link_verifies(dev_app, any_page: Page):
    page, app = any_page, dev_app
    login_id, email = sign_up(app, page, new_customer(app, "八戸 花子"))

    page.goto(app(routes.DEV_MAIL))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1, name="メール確認")).to_be_visible()
    newest = page.get_by_role("article").first
    expect(newest).to_contain_text(email)
    expect(newest.get_by_role("heading", level=2)).to_contain_text("メールアドレスの確認")
    expect(newest).to_contain_text("八戸 花子 様")
    expect(newest.locator("time")).to_have_text(re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}$"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    link = newest.get_by_role("link", name=re.compile(r"verify\?token="))
    expect(link).to_have_attribute("href", re.compile(rf"^{re.escape(app(routes.VERIFY))}\?token=[\w-]+$"))
    link.click()
    wait_for_app(page)
    page.get_by_role("button", name="メールアドレスを認証する").click()
    expect(page.get_by_text("✔ アカウントを認証しました。")).to_be_visible()
    assert account_of(app, login_id).status == "active"


def test_newest_first_and_reload(dev_app, page: Page):
    app = dev_app
    page.goto(app(routes.DEV_MAIL))
    wait_for_app(page)
    before = page.get_by_role("article").count()
    # A mail written meanwhile shows after 再読み込み, above the older ones.
    mail.send("newest@example.jp", "【テスト】いちばん新しいメール", "本文 https://example.jp/x", load(app.env))
    page.get_by_role("button", name="再読み込み").click()
    expect(page.get_by_role("article")).to_have_count(before + 1)
    first = page.get_by_role("article").first
    expect(first).to_contain_text("newest@example.jp")
    expect(first.get_by_role("link", name="https://example.jp/x")).to_be_visible()
