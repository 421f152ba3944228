"""Typing the moment a form appears, before the page is live, loses nothing on any form.

Each test opens the page without waiting for hydration or the websocket and types at
once, key by key, as a fast typist or a slow phone does; the on-load restore and React's
hydration happen meanwhile. Every character must still be there, and the form must
then submit what was typed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mypage import routes
from mypage.accounts import recovery, tokens
from mypage.security import check_password
from tests.browser.auth_support import (
    PASSWORD,
    clean_address,  # noqa: F401 (fixture)
    customer_number,
    log_in,
    new_account,
    reload_account,
    url_of,
)
from tests.browser.support import wait_for_app

pytestmark = pytest.mark.usefixtures("clean_address")
KEY_DELAY = 35  # ms between keys: the typing spans the page becoming live


def open_unready(app, page: Page, path: str) -> None:
    """Navigate and return as soon as the response starts: no waiting for the app."""
    page.goto(app(path), wait_until="commit")


def type_into(page: Page, label: str, text: str, *, exact: bool = False) -> None:
    page.get_by_label(label, exact=exact).press_sequentially(text, delay=KEY_DELAY)


def test_login(app, any_page: Page):
    page = any_page
    account = new_account(app)
    open_unready(app, page, routes.LOGIN)
    type_into(page, "ログインID", account.login_id)
    type_into(page, "パスワード", PASSWORD)
    wait_for_app(page)
    expect(page.get_by_label("ログインID")).to_have_value(account.login_id)
    expect(page.get_by_label("パスワード")).to_have_value(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(url_of(routes.HOME))


def test_register_after_an_earlier_attempt(app, any_page: Page):
    page = any_page
    page.goto(app(routes.REGISTER))
    wait_for_app(page)
    page.get_by_label("ログインID").fill("first111")
    page.get_by_role("button", name="次へ").click()
    expect(page.locator("#error-summary")).to_be_visible()
    # The form is opened again: its restore of "first111" must not overwrite new typing. The box
    # shows once the page is live, when the restore may already have filled it: as a person
    # would, select what is there and type over it (from the first key, the box is left alone).
    open_unready(app, page, routes.REGISTER)
    page.get_by_label("ログインID").press("ControlOrMeta+a")
    type_into(page, "ログインID", "early1234")
    type_into(page, "メールアドレス1", "early@example.jp")
    wait_for_app(page)
    expect(page.get_by_label("ログインID")).to_have_value("early1234")
    expect(page.get_by_label("メールアドレス1")).to_have_value("early@example.jp")
    page.get_by_role("button", name="次へ").click()
    # What was typed is what the server checked: no message for these two, the others asked for.
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_label("ログインID")).to_have_value("early1234")
    expect(page.locator("#field-login_id-error")).to_have_text("")
    expect(page.locator("#field-email-error")).to_have_text("")
    expect(page.locator("#field-password-error")).not_to_have_text("")


def test_errors_the_page_comes_back_with_do_not_take_the_caret(app, any_page: Page):
    """The first state a reopened form receives still holds the last try's errors (its on_load then
    clears them): that summary must not pull the focus out of the box someone is typing in."""
    page = any_page
    page.goto(app(routes.REGISTER))
    wait_for_app(page)
    page.get_by_label("ログインID").fill("first111")
    page.get_by_role("button", name="次へ").click()
    expect(page.locator("#error-summary")).to_be_focused()

    # Hold the server's answers while the reopened page is typed in, then let them in one by one.
    held, holding = [], [True]

    def relay(ws):
        server = ws.connect_to_server()
        ws.on_message(server.send)
        server.on_message(lambda message: held.append((ws, message)) if holding[0] else ws.send(message))

    page.route_web_socket(re.compile("/_event"), relay)
    page.goto(app(routes.REGISTER))
    box = page.get_by_label("ログインID")
    box.press("ControlOrMeta+a")
    type_into(page, "ログインID", "abc")
    page.wait_for_timeout(500)
    assert held, "the server answered nothing while the box was typed in"
    holding[0] = False
    while held:
        ws, message = held.pop(0)
        ws.send(message)
        page.wait_for_timeout(150)  # one state at a time, as a slow line delivers them
    type_into(page, "ログインID", "def")
    expect(box).to_be_focused()
    expect(box).to_have_value("abcdef")


@pytest.mark.parametrize(
    ("path", "first_label", "kind"),
    [(routes.FORGOT_ID, "お客様番号", "id"), (routes.FORGOT_PASSWORD, "ログインID", "password")],
)
def test_recovery_requests(app, any_page: Page, mail, path, first_label, kind):
    page = any_page
    account = new_account(app)
    first = customer_number(app, account) if kind == "id" else account.login_id
    open_unready(app, page, path)
    type_into(page, first_label, first)
    type_into(page, "メールアドレス1", account.email)
    wait_for_app(page)
    expect(page.get_by_label(first_label)).to_have_value(first)
    expect(page.get_by_label("メールアドレス1")).to_have_value(account.email)
    page.get_by_role("button", name="送信する").click()
    answer = recovery.ID_ANSWER if kind == "id" else recovery.PASSWORD_ANSWER
    expect(page.get_by_text(answer)).to_be_visible()
    mail.wait_for(account.email)  # both fields arrived whole, so the mail went out


def test_reset_password(app, any_page: Page):
    page = any_page
    account = new_account(app)
    with app.db() as db:
        token = tokens.issue(db, account.id, tokens.RESET, recovery.RESET_LIFETIME, email=account.email)
        db.commit()
    new = "Hakkoda9Yuki"
    open_unready(app, page, f"{routes.RESET_PASSWORD}?token={token}")
    # The form appears once the link is checked: typing starts the moment it does.
    type_into(page, "新しいパスワード", new, exact=True)
    type_into(page, "パスワード(確認)", new)
    expect(page.get_by_label("新しいパスワード", exact=True)).to_have_value(new)
    expect(page.get_by_label("パスワード(確認)")).to_have_value(new)
    page.get_by_role("button", name="パスワードを変更する").click()
    expect(page.get_by_text(re.compile("パスワードを変更しました"))).to_be_visible()
    assert check_password(new, reload_account(app, account).password_hash)


def test_account_settings(app, any_page: Page):
    page = any_page
    account = new_account(app)
    log_in(app, page, account)
    open_unready(app, page, routes.ACCOUNT_SETTINGS)
    section = page.get_by_role("form", name="ログインID変更")
    new_id = f"E{account.login_id[1:12]}"
    section.get_by_label("新しいログインID").press_sequentially(new_id, delay=KEY_DELAY)
    section.get_by_label("現在のパスワード").press_sequentially(PASSWORD, delay=KEY_DELAY)
    wait_for_app(page)
    expect(section.get_by_label("新しいログインID")).to_have_value(new_id)
    section.get_by_role("button", name="ログインIDを変更する").click()
    expect(page.get_by_role("status").filter(has_text=f"ログインIDを「{new_id}」に変更しました。")).to_be_visible()
    assert reload_account(app, account).login_id == new_id
