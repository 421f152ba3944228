"""セキュリティ設定 in Chromium: two browsers, one signs the other out; the sign-in history; the new-device mail."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mypage import routes
from mypage.accounts import known_devices, sessions
from tests.browser.auth_support import (
    PASSWORD,
    accessible,
    clean_address,  # noqa: F401 (fixture)
    log_in,
    new_account,
    open_login,
    submit_login,
    url_of,
)
from tests.browser.support import wait_for_app
from tests.support import mail_text

pytestmark = pytest.mark.usefixtures("clean_address")


def open_security(page: Page) -> None:
    """From マイページ初期画面's menu."""
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="セキュリティ設定").click()
    expect(page).to_have_url(url_of(routes.SECURITY))
    expect(page.get_by_role("heading", level=1, name="セキュリティ設定")).to_be_visible()
    wait_for_app(page)


def second_browser(app, browser, account):
    """Another browser (its own cookies) logged in to the same account."""
    context = browser.new_context(locale="ja-JP")
    other = context.new_page()
    open_login(app, other)
    submit_login(other, account.login_id, PASSWORD)
    expect(other).to_have_url(url_of(routes.HOME))
    return context, other


@pytest.mark.parametrize("font", ["標準", "大きく"])
def test_devices_and_history_then_sign_out_the_other_browser(app, any_page: Page, browser, font):
    page = any_page
    account = new_account(app)
    context, other = second_browser(app, browser, account)
    other_token = next(c["value"] for c in context.cookies() if c["name"] == sessions.cookie_name())

    # A wrong password first, then the right one: both appear in ログイン履歴.
    open_login(app, page)
    submit_login(page, account.login_id, "Wrong1234x", refused=True)
    log_in(app, page, account)
    if font == "大きく":
        page.get_by_role("button", name="大きく").click()
        expect(page.get_by_role("button", name="大きく")).to_have_attribute("aria-pressed", "true")
    open_security(page)

    devices = page.get_by_role("heading", level=2, name="ログイン中の端末").locator("xpath=..").get_by_role("listitem")
    expect(devices).to_have_count(2)
    expect(devices.first.get_by_text("この端末")).to_be_visible()
    expect(devices.first.get_by_role("button", name="ログアウト")).to_have_count(0)
    expect(devices.first.get_by_role("heading", level=3)).to_contain_text("Chrome")
    expect(devices.first.get_by_text("127.0.0.1")).to_be_visible()
    expect(devices.nth(1).get_by_text("この端末")).to_have_count(0)

    history = page.get_by_role("heading", level=2, name="ログイン履歴").locator("xpath=..").get_by_role("listitem")
    expect(history).to_have_count(3)  # the other browser's success, the failure, this success
    expect(history.nth(0)).to_contain_text("成功")
    expect(history.nth(1)).to_contain_text("失敗（パスワード誤り）")
    expect(history.nth(1)).to_contain_text("127.0.0.1")
    expect(history.nth(1)).to_contain_text("Chrome")
    expect(history.nth(2)).to_contain_text("成功")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)

    # Keyboard: the other device's ログアウト is reachable and pressed with Enter.
    button = devices.nth(1).get_by_role("button", name="ログアウト")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="選択した端末からログアウトしました。")).to_be_visible()
    expect(devices).to_have_count(1)
    with app.db() as db:
        assert sessions.resolve(db, other_token, touch=False) is None
    accessible(page)

    # The other browser lands on the login page at its next action.
    other.get_by_role("navigation", name="メニュー").get_by_role("link", name="ご契約内容参照").click()
    expect(other).to_have_url(url_of(routes.LOGIN))
    context.close()
    # This one stays in.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1, name="セキュリティ設定")).to_be_visible()


def test_reached_from_id_password_settings(app, mobile_page: Page):
    page = mobile_page
    account = new_account(app)
    log_in(app, page, account)
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="ID・パスワード変更").click()
    expect(page).to_have_url(url_of(routes.ACCOUNT_SETTINGS))
    page.get_by_role("link", name="セキュリティ設定", exact=False).click()
    expect(page).to_have_url(url_of(routes.SECURITY))
    expect(page.get_by_role("heading", level=2, name="ログイン履歴")).to_be_visible()


def test_a_login_from_a_new_browser_mails_the_owner_once(app, page: Page, browser, mail):
    account = new_account(app)
    log_in(app, page, account)  # the account's first login: every browser is new, no mail
    device = next(c for c in page.context.cookies() if c["name"] == known_devices.cookie_name())
    assert device["httpOnly"] and device["expires"] > 0
    assert known_devices.cookie_name() not in page.evaluate("document.cookie")

    context, other = second_browser(app, browser, account)
    notice = mail.wait_for(account.email)
    assert "新しい端末からのログインのお知らせ" in str(notice["Subject"])
    body = mail_text(notice)
    assert "127.0.0.1" in body and "Chrome" in body and "日本時間" in body
    assert app(routes.FORGOT_PASSWORD) in body

    # The same browser again: known now, no second mail.
    other.get_by_role("button", name="ログアウト", exact=True).click()
    expect(other.get_by_text("ログアウトしました。")).to_be_visible()
    open_login(app, other)
    submit_login(other, account.login_id, PASSWORD)
    expect(other).to_have_url(url_of(routes.HOME))
    context.close()
    # And the first browser too.
    page.get_by_role("button", name="ログアウト", exact=True).click()
    expect(page.get_by_text("ログアウトしました。")).to_be_visible()
    log_in(app, page, account)
    page.wait_for_timeout(1500)  # a mail would have been sent right after the redirect
    assert len(mail.to(account.email)) == 1
