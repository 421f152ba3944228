"""二段階認証 in Chromium: set-up with a code computed from the shown secret, login with a code and with a
recovery code (once only), wrong codes locking the login ID, turning it off; 375 px and 1280 px with axe."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from mypage import routes
from mypage.models import Account, utcnow
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
from tests.browser.test_security import open_security

pytestmark = pytest.mark.usefixtures("clean_address")
SECRET_TEXT = re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$")


def next_code(secret: str) -> str:
    """The code of the next 30-second step: accepted (±1 step) and never the one just used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="ログアウト", exact=True).click()
    expect(page.get_by_text("ログアウトしました。")).to_be_visible()


def password_then_code(app, page: Page, account, code: str) -> None:
    open_login(app, page)
    submit_login(page, account.login_id, PASSWORD)
    expect(page.get_by_role("heading", level=2, name="二段階認証")).to_be_visible()
    page.get_by_label("確認コード").fill(code)
    page.get_by_role("button", name="ログイン").click()


def test_set_up_log_in_with_codes_and_turn_off(app, any_page: Page, mail):
    page = any_page
    account = new_account(app)
    log_in(app, page, account)
    open_security(page)
    expect(page.get_by_text("無効", exact=True)).to_be_visible()
    page.get_by_role("button", name="二段階認証の設定を始める").click()
    expect(page.get_by_role("img", name=re.compile("二段階認証の設定用QRコード"))).to_be_visible()
    secret = page.get_by_text(SECRET_TEXT).inner_text().replace(" ", "")
    accessible(page)

    setup = page.get_by_role("form", name="二段階認証の設定")
    setup.get_by_label("確認コード").fill("12345")
    setup.get_by_role("button", name="有効にする").click()
    expect(setup.get_by_role("alert").filter(has_text="確認コードが正しくありません")).to_be_visible()
    accessible(page)
    setup.get_by_label("確認コード").fill(pyotp.TOTP(secret).now())
    setup.get_by_role("button", name="有効にする").click()
    expect(page.get_by_role("status").filter(has_text="二段階認証を有効にしました。")).to_be_visible()
    codes = [c for c in page.get_by_role("listitem").all_inner_texts() if re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", c)]
    assert len(codes) == 10
    expect(page.get_by_text("有効", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)
    assert "二段階認証を有効にしました" in str(mail.wait_for(account.email)["Subject"])
    # Shown once: not after a reload.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text(codes[0])).to_have_count(0)

    # Login: the password, then a wrong code, then the app's code.
    log_out(page)
    password_then_code(app, page, account, "000000")
    expect(page.get_by_role("alert").filter(has_text="確認コードが正しくありません")).to_be_visible()
    expect(page).to_have_url(url_of(routes.LOGIN))
    accessible(page)
    page.get_by_label("確認コード").fill(next_code(secret))
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(url_of(routes.HOME))

    # A recovery code, once only.
    log_out(page)
    password_then_code(app, page, account, codes[0])
    expect(page).to_have_url(url_of(routes.HOME))
    log_out(page)
    password_then_code(app, page, account, codes[0])
    expect(page.get_by_role("alert").filter(has_text="確認コードが正しくありません")).to_be_visible()
    page.get_by_label("確認コード").fill(codes[1].lower())
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(url_of(routes.HOME))

    # Off: the password and a code.
    open_security(page)
    off = page.get_by_role("form", name="二段階認証を無効にする")
    off.get_by_label("現在のパスワード").fill("Wrong1234x")
    off.get_by_label("確認コード").fill(codes[2])
    off.get_by_role("button", name="二段階認証を無効にする").click()
    expect(off.get_by_role("alert").filter(has_text="パスワード")).to_be_visible()
    accessible(page)
    off.get_by_label("現在のパスワード").fill(PASSWORD)
    off.get_by_label("確認コード").fill(codes[2])
    off.get_by_role("button", name="二段階認証を無効にする").click()
    expect(page.get_by_role("status").filter(has_text="二段階認証を無効にしました。")).to_be_visible()
    assert "二段階認証を無効にしました" in str(mail.wait_for(account.email, count=2)["Subject"])
    log_out(page)
    # The password alone again (three failures from this address by now: the CAPTCHA too).
    open_login(app, page)
    submit_login(page, account.login_id, PASSWORD, captcha="PASSED")
    expect(page).to_have_url(url_of(routes.HOME))


def test_wrong_codes_lock_the_login_id(app, page: Page):
    account = new_account(app)
    secret = pyotp.random_base32()
    with app.db() as db:
        row = db.get(Account, account.id)
        row.totp_secret, row.totp_enabled_at = secret, utcnow()
        db.add(row)
        db.commit()
    password_then_code(app, page, account, "000000")
    for _ in range(3):
        expect(page.get_by_role("alert").filter(has_text="確認コードが正しくありません")).to_be_visible()
        expect(page.get_by_label("確認コード")).to_have_value("")
        page.get_by_label("確認コード").fill("000000")
        page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_label("確認コード")).to_have_value("")
    page.get_by_label("確認コード").fill("000000")
    page.get_by_role("button", name="ログイン").click()
    # The fifth wrong code locks the login ID, as five wrong passwords would.
    expect(page.get_by_role("alert").filter(has_text="ログインを")).to_contain_text("停止しています")
    expect(page.get_by_label("パスワード")).to_be_visible()
    accessible(page)
    with app.db() as db:
        assert db.get(Account, account.id).locked_until is not None
