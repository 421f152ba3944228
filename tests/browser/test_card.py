"""クレジットカード変更 end to end: the portal hands the subscriber to the test gateway and back.

The card number is typed only into the gateway's page (its own origin); the test watches every
websocket frame of the portal and proves the number is never in one.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect
from sqlmodel import select

from mypage import routes
from mypage.accounts import sessions
from mypage.models import Account
from tests.browser.auth_support import accessible, new_account, url_of
from tests.browser.support import assert_accessible, wait_for_app

GOOD = "4242424242424242"
BAD = "4242424242424241"
NEXT_YEAR = str(dt.date.today().year + 1)


def log_in(app, page: Page, account: Account) -> None:
    """A real session cookie, as the login route would set it: this file tests the card page."""
    with app.db() as db:
        token = sessions.start(db, account.id)
        db.commit()
    page.context.add_cookies(
        [{"name": sessions.cookie_name(), "value": token, "url": app.url, "httpOnly": True, "sameSite": "Strict"}]
    )


def watch_websockets(page: Page) -> list[str]:
    """Every frame the portal's pages send or receive over their websockets."""
    frames: list[str] = []

    def on_socket(socket) -> None:
        socket.on("framesent", lambda payload: frames.append(str(payload)))
        socket.on("framereceived", lambda payload: frames.append(str(payload)))

    page.on("websocket", on_socket)
    return frames


def open_card_page(app, page: Page) -> None:
    page.goto(app(routes.HOME))
    wait_for_app(page)
    page.get_by_role("navigation", name="メニュー").get_by_role("link", name="クレジットカード変更").click()
    expect(page).to_have_url(url_of(routes.CARD))
    expect(page.get_by_role("heading", level=1, name="クレジットカード変更")).to_be_visible()
    wait_for_app(page)


def go_to_gateway(app, page: Page) -> None:
    page.get_by_role("button", name="カードを変更する").click()
    expect(page).to_have_url(re.compile("^" + re.escape(app.env["MYPAGE_PAYMENT_GATEWAY_URL"]) + "/checkout\\?"))
    expect(page.get_by_role("heading", level=1, name="クレジットカード情報の入力")).to_be_visible()


def fill_card(page: Page, number: str) -> None:
    page.get_by_label("カード番号").fill(number)
    page.get_by_label("有効期限 月").fill("12")
    page.get_by_label("有効期限 年").fill(NEXT_YEAR)
    page.get_by_label("セキュリティコード").fill("123")
    page.get_by_label("名義人").fill("TARO AOMORI")
    page.get_by_role("button", name="登録する").click()


def test_change_card_through_the_gateway(app, page: Page, mail):
    frames = watch_websockets(page)
    account = new_account(app, name="三沢 一郎")
    log_in(app, page, account)
    open_card_page(app, page)
    expect(page.get_by_text("登録されているクレジットカードはありません。")).to_be_visible()
    accessible(page)

    go_to_gateway(app, page)
    assert_accessible(page)
    fill_card(page, BAD)
    expect(page.get_by_text("カード番号が正しくありません。", exact=False)).to_be_visible()
    expect(page.get_by_label("カード番号")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    fill_card(page, GOOD)
    expect(page).to_have_url(url_of(routes.CARD))  # the token and nonce have left the address bar
    expect(page.get_by_role("status").filter(has_text="クレジットカードを変更しました。")).to_be_visible()
    expect(page.get_by_text("•••• 4242")).to_be_visible()
    expect(page.get_by_text("VISA")).to_be_visible()
    expect(page.get_by_text(f"12/{NEXT_YEAR[2:]}")).to_be_visible()
    accessible(page)

    notice = mail.wait_for(account.email)
    assert "クレジットカード情報を変更しました" in notice["Subject"]
    body = notice.get_content()
    assert "VISA •••• 4242" in body and GOOD not in body

    # A reload shows the card, not the message again, and does not try the used token twice.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("•••• 4242")).to_be_visible()
    expect(page.get_by_text("クレジットカードを変更しました。")).to_have_count(0)

    assert frames, "the portal's websocket frames were not seen"
    spaced = " ".join(GOOD[i : i + 4] for i in range(0, 16, 4))
    assert not [f for f in frames if GOOD in f or BAD in f or spaced in f]


def test_cancel_at_the_gateway_changes_nothing(app, mobile_page: Page):
    page = mobile_page
    log_in(app, page, new_account(app))
    open_card_page(app, page)
    go_to_gateway(app, page)
    page.get_by_role("link", name="カードを登録せずに戻る").click()
    expect(page).to_have_url(url_of(routes.CARD))
    expect(page.get_by_role("alert")).to_contain_text("クレジットカードの変更を取りやめました。")
    expect(page.get_by_text("登録されているクレジットカードはありません。")).to_be_visible()


def test_a_forged_return_is_refused(app, page: Page):
    log_in(app, page, new_account(app))
    page.goto(app(routes.CARD_RETURN + "?token=tgw_tok_forged&state=made-up"))
    expect(page).to_have_url(url_of(routes.CARD))
    expect(page.get_by_role("alert")).to_contain_text("このお手続きは無効か、有効期限が切れています。")
    expect(page.get_by_text("登録されているクレジットカードはありません。")).to_be_visible()


def test_demo_card_at_375px(app, mobile_page: Page):
    page = mobile_page
    with app.db() as db:
        account = db.exec(select(Account).where(Account.login_id == "hanako01")).one()
    log_in(app, page, account)
    open_card_page(app, page)
    expect(page.get_by_text("•••• 4444")).to_be_visible()
    expect(page.get_by_text("Mastercard")).to_be_visible()
    expect(page.get_by_role("button", name="カードを変更する")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)
