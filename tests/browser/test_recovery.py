"""ログインIDを忘れた場合 and パスワードを忘れた場合 in Chromium, with the mail caught by a real SMTP server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from mypage import routes
from mypage.accounts import recovery, sessions
from mypage.models import EmailToken
from tests.browser.auth_support import (
    PASSWORD,
    accessible,
    clean_address,  # noqa: F401 (fixture)
    customer_number,
    new_account,
    open_login,
    submit_login,
    url_of,
)
from tests.browser.support import wait_for_app
from tests.support import mail_text

NEW_PASSWORD = "Oirase5Keiryu"
pytestmark = pytest.mark.usefixtures("clean_address")


def open_form(app, page: Page, link: str, h1: str) -> None:
    open_login(app, page)
    page.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", level=1, name=h1)).to_be_visible()
    wait_for_app(page)


def test_forgot_login_id_mails_it_to_the_registered_address(app, any_page: Page, mail):
    page = any_page
    account = new_account(app)
    open_form(app, page, "こちら", "ログインIDを忘れた場合")
    accessible(page)
    page.get_by_label("お客様番号").fill(customer_number(app, account))
    page.get_by_label("メールアドレス1").fill(account.email.upper())
    page.get_by_role("button", name="送信する").click()
    expect(page.get_by_role("status").filter(has_text="ログインIDをお送りしました")).to_be_visible()
    accessible(page)
    text = mail_text(mail.wait_for(account.email))
    assert f"ログインID: {account.login_id}" in text and "0120-442-208" in text


@pytest.mark.parametrize("path", [routes.FORGOT_ID, routes.FORGOT_PASSWORD])
def test_same_answer_whether_or_not_anything_matched(app, page: Page, mail, path):
    account = new_account(app)
    answers = []
    for first, email in (
        (customer_number(app, account) if path == routes.FORGOT_ID else account.login_id, account.email),
        ("9999999999" if path == routes.FORGOT_ID else "nobody00", "nobody@example.jp"),
        (customer_number(app, account) if path == routes.FORGOT_ID else account.login_id, "someone.else@example.jp"),
    ):
        page.goto(app(path))
        wait_for_app(page)
        label = "お客様番号" if path == routes.FORGOT_ID else "ログインID"
        page.get_by_label(label).fill(first)
        page.get_by_label("メールアドレス1").fill(email)
        page.get_by_role("button", name="送信する").click()
        answer = page.get_by_role("status").first
        expect(answer).to_be_visible()
        answers.append(answer.inner_text())
    assert answers[0] == answers[1] == answers[2]
    mail.wait_for(account.email)
    assert not mail.to("nobody@example.jp") and not mail.to("someone.else@example.jp")


def test_password_reset_through_the_mailed_link(app, any_page: Page, browser, mail):
    page = any_page
    account = new_account(app)
    # Another device is logged in; the reset will end its session.
    other = browser.new_context()
    other_page = other.new_page()
    open_login(app, other_page)
    submit_login(other_page, account.login_id, PASSWORD)
    expect(other_page).to_have_url(url_of(routes.HOME))
    other_token = next(c["value"] for c in other.cookies() if c["name"] == sessions.cookie_name())

    open_form(app, page, "パスワードを忘れた場合", "パスワードを忘れた場合")
    accessible(page)
    page.get_by_label("ログインID").fill(account.login_id)
    page.get_by_label("メールアドレス1").fill(account.email)
    page.get_by_role("button", name="送信する").click()
    expect(page.get_by_role("status").filter(has_text="パスワード再設定用のURL")).to_be_visible()
    link = re.search(r"https?://\S+/reset-password\?token=\S+", mail_text(mail.wait_for(account.email))).group(0)

    # Opening the link (twice, as a mail scanner might) uses nothing up.
    for _ in range(2):
        page.goto(link)
        wait_for_app(page)
        expect(page.get_by_role("heading", level=1, name="パスワードの再設定")).to_be_visible()
        expect(page.get_by_label("新しいパスワード")).to_be_visible()
    with app.db() as db:
        row = db.exec(
            select(EmailToken).where(EmailToken.account_id == account.id, EmailToken.purpose == recovery.RESET_PURPOSE)
        ).one()
        assert row.used_at is None
    assert "token=" not in page.url  # the token left the address bar once the page had read it
    accessible(page)

    # The rules of registration apply.
    page.get_by_label("新しいパスワード").fill("abc")
    page.get_by_label("パスワード(確認)").fill("abc")
    page.get_by_role("button", name="パスワードを変更する").click()
    expect(page.get_by_role("alert").filter(has_text="半角英数")).to_be_visible()
    page.get_by_label("新しいパスワード").fill(NEW_PASSWORD)
    page.get_by_label("パスワード(確認)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="パスワードを変更する").click()
    expect(page.get_by_text("パスワードを変更しました。", exact=False)).to_be_visible()

    notice = mail.wait_for(account.email, count=2)
    assert "パスワード変更のお知らせ" in str(notice["Subject"])
    with app.db() as db:
        assert sessions.resolve(db, other_token, touch=False) is None
    other_page.reload()
    expect(other_page).to_have_url(url_of(routes.LOGIN))
    other.close()

    # The link is spent; the new password works, the old one does not.
    page.goto(link)
    wait_for_app(page)
    expect(page.get_by_text("このURLは無効か、有効期限が切れています", exact=False)).to_be_visible()
    accessible(page)
    open_login(app, page)
    submit_login(page, account.login_id, PASSWORD, refused=True)
    expect(page.get_by_text("ログインIDまたはパスワードが正しくありません。")).to_be_visible()
    submit_login(page, account.login_id, NEW_PASSWORD)
    expect(page).to_have_url(url_of(routes.HOME))


def test_recovery_is_throttled_per_address(app, page: Page):
    page.goto(app(routes.FORGOT_PASSWORD))
    wait_for_app(page)
    for i in range(recovery.ADDRESS_LIMIT + 1):
        page.goto(app(routes.FORGOT_PASSWORD))
        wait_for_app(page)
        page.get_by_label("ログインID").fill(f"nobody{i}")
        page.get_by_label("メールアドレス1").fill("nobody@example.jp")
        page.get_by_role("button", name="送信する").click()
        expect(page.get_by_role("status").first).to_be_visible()
    expect(page.get_by_text("受付を一時停止しています", exact=False)).to_be_visible()


def test_a_forged_link_shows_how_to_start_again(app, page: Page):
    page.goto(app(f"{routes.RESET_PASSWORD}?token=forged"))
    wait_for_app(page)
    expect(page.get_by_text("このURLは無効か、有効期限が切れています", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="パスワードを忘れた場合")).to_be_visible()
    expect(page.get_by_label("新しいパスワード")).to_have_count(0)
