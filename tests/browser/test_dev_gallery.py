"""画面ギャラリー (/dev/gallery): every screen in every state renders without a console error, axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mypage import gallery, routes
from mypage.accounts import login, recovery, registration
from mypage.state.card import MESSAGES as CARD_MESSAGES
from tests.browser.support import assert_accessible, wait_for_app

# A text each state shows and the others of its screen do not: proof that the state was staged.
MARKERS = {
    ("login", "required"): "ログインIDを入力してください。",
    ("login", "wrong"): login.INVALID_MESSAGE,
    ("login", "captcha_wrong"): "画像認証の数字が正しくありません。",
    ("login", "locked"): "このログインIDでのログインを",
    ("login", "throttled"): "しばらくの間ログインできません。",
    ("register", "wrong_captcha"): registration.WRONG_CAPTCHA,
    ("login", "pending"): "メールアドレスの認証が済んでいません。",
    ("login", "verified"): "✔ アカウントを認証しました。",
    ("login", "logout"): "ログアウトしました。",
    ("login", "timeout"): "自動的にログアウトしました。",
    ("register", "wrong_pair"): registration.WRONG_PAIR,
    ("register", "code_locked"): "でのアカウント作成を",
    ("register", "login_id_taken"): registration.LOGIN_ID_TAKEN,
    ("register", "account_exists"): "既に作成されています。",
    ("register_confirm", "filled"): "aomori01",
    ("register_sent", "success"): "taro@example.jp 宛てに確認メールを送信しました。",
    ("register_sent", "resent"): "taro@example.jp 宛てに確認メールを再送信しました。",
    ("register_sent", "mail_failed"): "確認メールを送信できませんでした。",
    ("verify", "valid"): "メールアドレスの認証が完了し",
    ("verify", "expired"): "このURLは有効期限が切れています",
    ("forgot_id", "required"): "お客様番号を入力してください。",
    ("forgot_id", "success"): recovery.ID_ANSWER,
    ("forgot_id", "throttled"): recovery.THROTTLED,
    ("forgot_password", "required"): "ログインIDを入力してください。",
    ("forgot_password", "success"): recovery.PASSWORD_ANSWER,
    ("reset_password", "expired"): recovery.INVALID_LINK,
    ("home", "filled"): "十和田 花子",
    ("home", "empty"): "三沢 美咲",
    ("contract", "filled"): "ACTケーブルフォン",
    ("contract", "small"): "ACTテレビ ベーシックコース",
    ("card", "filled"): "Mastercard",
    ("card", "changed"): CARD_MESSAGES[next(iter(CARD_MESSAGES))],
    ("account", "success"): "パスワードを変更しました。",
    ("account", "email_pending"): "hanako.new@example.jp",
    ("email_confirm", "valid"): "メールアドレスを変更する",
    ("email_confirm", "used"): "このURLは使用済みです",
}
# States that show the error summary of a form.
SUMMARIES = {("register", "required"), ("register", "invalid")}
SCREENS = [screen.key for screen in gallery.SCREENS]


def open_scene(app, page: Page, url: str) -> None:
    page.goto(app(url))
    wait_for_app(page)
    expect(page.locator("main h1")).to_be_visible()


@pytest.mark.parametrize("key", SCREENS)
def test_every_state_renders_without_errors_and_is_accessible(dev_app, any_page: Page, key):
    page, app, screen = any_page, dev_app, gallery.BY_KEY[key]
    for state, label in screen.states:
        open_scene(app, page, gallery.scene_url(screen, state))
        if marker := MARKERS.get((key, state)):
            expect(page.get_by_text(marker, exact=False).first).to_be_visible()
        if (key, state) in SUMMARIES:
            expect(page.locator("#error-summary").get_by_role("listitem")).not_to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (state, label)
        page.mouse.move(0, 0)
        assert_accessible(page)


def test_the_index_links_every_state_at_both_widths_and_font_sizes(dev_app, any_page: Page):
    page, app = any_page, dev_app
    page.goto(app(routes.DEV_GALLERY))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1, name="画面ギャラリー")).to_be_visible()
    for screen, state, label in gallery.scenes():
        name = f"{screen.name}（{label}）"
        for width in gallery.WIDTHS:
            link = page.get_by_role("link", name=f"{name} {width}px・大きく", exact=True)
            expect(link).to_have_attribute("href", gallery.scene_url(screen, state, "large"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_a_window_link_opens_the_state_alone_at_its_width_and_font(dev_app, page: Page):
    app = dev_app
    page.goto(app(routes.DEV_GALLERY))
    wait_for_app(page)
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="マイページログイン（ロック中） 375px・大きく", exact=True).click()
    window = opened.value
    window.wait_for_load_state()
    wait_for_app(window)
    expect(window.get_by_text("このログインIDでのログインを").first).to_be_visible()
    expect(window.locator("html")).to_have_attribute("data-font", "large")
    expect(window.get_by_role("button", name="大きく")).to_have_attribute("aria-pressed", "true")
    assert window.evaluate("window.innerWidth") == 375
    # Back to 標準 for the next tests of this browser context.
    window.get_by_role("button", name="標準").click()
    expect(window.locator("html")).to_have_attribute("data-font", "standard")


def test_an_unknown_state_shows_the_first_one(dev_app, page: Page):
    app = dev_app
    open_scene(app, page, f"{routes.DEV_GALLERY}/login?state=nonsense")
    expect(page.get_by_role("heading", level=1, name="マイページログイン")).to_be_visible()
