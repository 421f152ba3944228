"""ID・パスワード変更 in Chromium: each change end to end with real mail, bad input, 375 px, axe-core."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from mypage import routes
from mypage.accounts import account_settings, sessions
from mypage.models import EmailToken
from tests.browser.auth_support import (
    PASSWORD,
    accessible,
    clean_address,  # noqa: F401 (fixture)
    log_in,
    new_account,
    open_login,
    reload_account,
    submit_login,
    url_of,
)
from tests.browser.support import wait_for_app
from tests.support import mail_text

NEW_PASSWORD = "Oirase5Keiryu"
LINK = re.compile(r"https?://\S+/account/email-confirm\?token=\S+")
CANCEL_LINK = re.compile(r"https?://\S+/account/email-cancel\?token=\S+")
pytestmark = pytest.mark.usefixtures("clean_address")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def open_settings(app, page: Page) -> None:
    """From マイページ初期画面's menu, now a link."""
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="ID・パスワード変更").click()
    expect(page).to_have_url(url_of(routes.ACCOUNT_SETTINGS))
    expect(page.get_by_role("heading", level=1, name="ID・パスワード変更")).to_be_visible()
    wait_for_app(page)


def form(page: Page, name: str) -> Locator:
    return page.get_by_role("form", name=name)


def log_out_and_in(app, page: Page, login_id: str, password: str) -> None:
    page.get_by_role("button", name="ログアウト", exact=True).click()
    expect(page.get_by_text("ログアウトしました。")).to_be_visible()
    open_login(app, page)
    submit_login(page, login_id, password)
    expect(page).to_have_url(url_of(routes.HOME))


def test_change_login_id(app, any_page: Page, mail):
    page = any_page
    account = new_account(app)
    log_in(app, page, account)
    open_settings(app, page)
    expect(page.get_by_text(account.login_id, exact=True)).to_be_visible()
    expect(page.get_by_text(account.email, exact=True)).to_be_visible()
    accessible(page)

    section = form(page, "ログインID変更")
    new_id = f"Kaze{uuid.uuid4().hex[:8]}"
    # Wrong current password: the message next to it, a summary, the ID kept and shown converted.
    section.get_by_label("新しいログインID").fill(full_width(new_id))
    section.get_by_label("現在のパスワード").fill("wrong-Passw0rd")
    section.get_by_role("button", name="ログインIDを変更する").click()
    expect(section.get_by_text(account_settings.CURRENT_WRONG, exact=False).first).to_be_visible()
    summary = section.get_by_role("group", name="入力内容に誤りがあります")
    expect(summary.get_by_role("link", name=re.compile("現在のパスワード：現在のパスワードが正しく"))).to_be_visible()
    expect(section.get_by_label("新しいログインID")).to_have_value(new_id)
    expect(section.get_by_label("現在のパスワード")).to_have_value("")
    expect(section.get_by_label("現在のパスワード")).to_have_attribute("aria-invalid", "true")
    accessible(page)

    # A bad ID and a taken one (in another case).
    section.get_by_label("新しいログインID").fill("ab")
    section.get_by_label("現在のパスワード").fill(PASSWORD)
    section.get_by_role("button", name="ログインIDを変更する").click()
    expect(section.get_by_text("半角英数4文字以上20文字以内で入力してください。", exact=False).nth(1)).to_be_visible()
    other = new_account(app)
    section.get_by_label("新しいログインID").fill(other.login_id.upper())
    section.get_by_label("現在のパスワード").fill(PASSWORD)
    section.get_by_role("button", name="ログインIDを変更する").click()
    expect(section.get_by_text(account_settings.LOGIN_ID_TAKEN).first).to_be_visible()

    section.get_by_label("新しいログインID").fill(full_width(new_id))
    section.get_by_label("現在のパスワード").fill(PASSWORD)
    section.get_by_role("button", name="ログインIDを変更する").click()
    expect(page.get_by_role("status").filter(has_text=f"ログインIDを「{new_id}」に変更しました。")).to_be_visible()
    expect(page.get_by_text(new_id, exact=True)).to_be_visible()
    accessible(page)
    notice = mail.wait_for(account.email)
    assert "ログインID変更のお知らせ" in str(notice["Subject"]) and new_id in mail_text(notice)

    log_out_and_in(app, page, full_width(new_id.lower()), PASSWORD)
    page.get_by_role("button", name="ログアウト", exact=True).click()
    expect(page.get_by_text("ログアウトしました。")).to_be_visible()
    wait_for_app(page)
    submit_login(page, account.login_id, PASSWORD, refused=True)
    expect(page.get_by_text("ログインIDまたはパスワードが正しくありません。")).to_be_visible()


def test_change_password_signs_out_the_other_devices(app, mobile_page: Page, browser, mail):
    page = mobile_page
    account = new_account(app)
    other = browser.new_context()
    other_page = other.new_page()
    open_login(app, other_page)
    submit_login(other_page, account.login_id, PASSWORD)
    expect(other_page).to_have_url(url_of(routes.HOME))
    other_token = next(c["value"] for c in other.cookies() if c["name"] == sessions.cookie_name())

    log_in(app, page, account)
    open_settings(app, page)
    section = form(page, "パスワード変更")
    section.get_by_role("button", name="パスワードを変更する").click()
    for message in (
        "現在のパスワードを入力してください。",
        "パスワードを入力してください。",
        "確認のため、再度、パスワードの入力をお願いします。",
    ):
        expect(section.get_by_role("alert").filter(has_text=message).first).to_be_visible()
    accessible(page)
    section.get_by_label("現在のパスワード").fill(PASSWORD)
    section.get_by_label("新しいパスワード", exact=True).fill("password1")
    section.get_by_label("新しいパスワード(確認)").fill("password1")
    section.get_by_role("button", name="パスワードを変更する").click()
    expect(section.get_by_role("alert").filter(has_text="推測されやすい")).to_be_visible()
    expect(section.get_by_label("新しいパスワード", exact=True)).to_have_value("")

    mine = next(c["value"] for c in page.context.cookies() if c["name"] == sessions.cookie_name())
    section.get_by_label("現在のパスワード").fill(full_width(PASSWORD))
    section.get_by_label("新しいパスワード", exact=True).fill(full_width(NEW_PASSWORD))
    section.get_by_label("新しいパスワード(確認)").fill(NEW_PASSWORD)
    section.get_by_role("button", name="パスワードを変更する").click()
    expect(page.get_by_role("status").filter(has_text="パスワードを変更しました。")).to_be_visible()
    # The form's ticket has bought the new cookie once the browser is back on the page.
    expect(page).to_have_url(re.compile(r"password_changed=1"))
    # This browser got a new session token with the new password (the cookie is still HttpOnly).
    renewed = next(c for c in page.context.cookies() if c["name"] == sessions.cookie_name())
    assert renewed["value"] != mine and renewed["httpOnly"]
    with app.db() as db:
        assert sessions.resolve(db, mine, touch=False) is None
        assert sessions.resolve(db, renewed["value"], touch=False) is not None
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)
    # The first mail told of the login from this second browser (新しい端末からのログインのお知らせ).
    assert "新しい端末からのログイン" in str(mail.wait_for(account.email)["Subject"])
    notice = mail.wait_for(account.email, count=2)
    assert "パスワード変更のお知らせ" in str(notice["Subject"]) and NEW_PASSWORD not in mail_text(notice)
    with app.db() as db:
        assert sessions.resolve(db, other_token, touch=False) is None
    other_page.goto(app(routes.HOME))
    expect(other_page).to_have_url(url_of(routes.LOGIN))
    other.close()
    # This device stays in.
    page.goto(app(routes.HOME))
    expect(page.get_by_role("button", name="ログアウト", exact=True)).to_be_visible()

    log_out_and_in(app, page, account.login_id, NEW_PASSWORD)


def test_change_email_by_the_link_sent_to_the_new_address(app, page: Page, mail):
    account = new_account(app)
    log_in(app, page, account)
    open_settings(app, page)
    section = form(page, "メールアドレス変更")
    section.get_by_label("新しいメールアドレス").fill("taro@")
    section.get_by_label("現在のパスワード").fill(PASSWORD)
    section.get_by_role("button", name="確認メールを送信する").click()
    expect(section.get_by_role("alert").filter(has_text="メールアドレスの形式が正しくありません")).to_be_visible()
    expect(section.get_by_label("新しいメールアドレス")).to_have_value("taro@")

    new_email = f"n{uuid.uuid4().hex[:8]}@example.jp"
    section.get_by_label("新しいメールアドレス").fill(full_width(new_email))
    section.get_by_label("現在のパスワード").fill(PASSWORD)
    section.get_by_role("button", name="確認メールを送信する").click()
    expect(page.get_by_role("status").filter(has_text=f"{new_email} 宛てに確認メールを送信しました。")).to_be_visible()
    expect(page.get_by_text(new_email, exact=True)).to_be_visible()  # waiting for its link
    accessible(page)
    link = LINK.search(mail_text(mail.wait_for(new_email))).group(0)
    old_notice = mail.wait_for(account.email)
    assert new_email in mail_text(old_notice)

    # Opening the link (twice, as a mail scanner might) changes nothing.
    for _ in range(2):
        page.goto(link)
        wait_for_app(page)
        expect(page.get_by_role("heading", level=1, name="メールアドレス変更の確認")).to_be_visible()
        expect(page.get_by_role("button", name="メールアドレスを変更する")).to_be_visible()
    assert "token=" not in page.url
    assert reload_account(app, account).email == account.email
    accessible(page)
    page.get_by_role("button", name="メールアドレスを変更する").click()
    expect(page.get_by_role("status").filter(has_text=f"メールアドレスを {new_email} に変更しました。")).to_be_visible()
    assert reload_account(app, account).email == new_email
    with app.db() as db:
        assert (
            db.exec(select(EmailToken).where(EmailToken.account_id == account.id, EmailToken.purpose == "email_change"))
            .one()
            .used_at
            is not None
        )
    assert "メールアドレス変更のお知らせ" in str(mail.wait_for(account.email, count=2)["Subject"])
    mail.wait_for(new_email, count=2)

    # The used link says so.
    page.goto(link)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="このURLは使用済みです")).to_be_visible()
    page.goto(app(routes.ACCOUNT_SETTINGS))
    wait_for_app(page)
    expect(page.get_by_text(new_email, exact=True)).to_be_visible()


def test_a_forged_confirmation_link(app, page: Page):
    page.goto(app(f"{routes.EMAIL_CONFIRM}?token=forged"))
    wait_for_app(page)
    expect(page.get_by_role("heading", name="このURLは無効です")).to_be_visible()
    accessible(page)


def test_sign_out_other_devices(app, page: Page, browser):
    account = new_account(app)
    other = browser.new_context()
    other_page = other.new_page()
    open_login(app, other_page)
    submit_login(other_page, account.login_id, PASSWORD)
    expect(other_page).to_have_url(url_of(routes.HOME))
    other_token = next(c["value"] for c in other.cookies() if c["name"] == sessions.cookie_name())
    log_in(app, page, account)
    open_settings(app, page)
    page.get_by_role("button", name="他の端末からログアウトする").click()
    expect(page.get_by_role("status").filter(has_text="他の端末（1件）からログアウトしました。")).to_be_visible()
    with app.db() as db:
        assert sessions.resolve(db, other_token, touch=False) is None
    other.close()
    page.goto(app(routes.HOME))
    expect(page.get_by_role("button", name="ログアウト", exact=True)).to_be_visible()


def ask_for_new_address(app, page: Page, address: str) -> None:
    open_settings(app, page)
    section = form(page, "メールアドレス変更")
    section.get_by_label("新しいメールアドレス").fill(address)
    section.get_by_label("現在のパスワード").fill(PASSWORD)
    section.get_by_role("button", name="確認メールを送信する").click()
    expect(page.get_by_role("status").filter(has_text=f"{address} 宛てに確認メールを送信しました。")).to_be_visible()


def test_a_pending_email_change_dies_with_the_owners_new_password(app, page: Page, browser, mail):
    """Someone who knew the password asks to move the address; the owner's password change kills the link."""
    account = new_account(app)
    theirs = browser.new_context()
    their_page = theirs.new_page()
    open_login(app, their_page)
    submit_login(their_page, account.login_id, PASSWORD)
    expect(their_page).to_have_url(url_of(routes.HOME))
    evil = f"e{uuid.uuid4().hex[:8]}@example.jp"
    ask_for_new_address(app, their_page, evil)
    link = LINK.search(mail_text(mail.wait_for(evil))).group(0)
    assert CANCEL_LINK.search(mail_text(mail.wait_for(account.email)))

    log_in(app, page, account)
    open_settings(app, page)
    section = form(page, "パスワード変更")
    section.get_by_label("現在のパスワード").fill(PASSWORD)
    section.get_by_label("新しいパスワード", exact=True).fill(NEW_PASSWORD)
    section.get_by_label("新しいパスワード(確認)").fill(NEW_PASSWORD)
    section.get_by_role("button", name="パスワードを変更する").click()
    expect(page.get_by_role("status").filter(has_text="パスワードを変更しました。")).to_be_visible()
    expect(page.get_by_text(evil, exact=True)).to_have_count(0)

    their_page.goto(link)
    wait_for_app(their_page)
    expect(their_page.get_by_role("heading", name="このURLは使用済みです")).to_be_visible()
    expect(their_page.get_by_role("button", name="メールアドレスを変更する")).to_have_count(0)
    theirs.close()
    assert reload_account(app, account).email == account.email


def test_the_old_address_cancels_a_pending_change(app, any_page: Page, browser, mail):
    account = new_account(app)
    theirs = browser.new_context()
    their_page = theirs.new_page()
    log_in(app, their_page, account)
    evil = f"e{uuid.uuid4().hex[:8]}@example.jp"
    ask_for_new_address(app, their_page, evil)
    link = LINK.search(mail_text(mail.wait_for(evil))).group(0)
    cancel = CANCEL_LINK.search(mail_text(mail.wait_for(account.email))).group(0)

    page = any_page  # the owner, signed out, opens the link in the notice to the old address
    for _ in range(2):  # a mail scanner's visit changes nothing
        page.goto(cancel)
        wait_for_app(page)
        expect(page.get_by_role("heading", level=1, name="メールアドレス変更の取り消し")).to_be_visible()
    assert "token=" not in page.url
    accessible(page)
    page.get_by_role("button", name="変更を取り消す").click()
    expect(page.get_by_role("status").filter(has_text="メールアドレスの変更を取り消しました。")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)

    # The confirmation link is dead, and the session that asked for the change has ended.
    their_page.goto(link)
    wait_for_app(their_page)
    expect(their_page.get_by_role("heading", name="このURLは使用済みです")).to_be_visible()
    their_page.goto(app(routes.ACCOUNT_SETTINGS))
    expect(their_page).to_have_url(url_of(routes.LOGIN))
    theirs.close()
    assert reload_account(app, account).email == account.email
