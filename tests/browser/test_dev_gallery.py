"""画面ギャラリー (/dev/gallery): every screen in every state renders without a console error, axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mypage import gallery, routes
from mypage.accounts import account_settings, login, recovery, registration, two_step
from mypage.billing import billpay, payments
from mypage.state import security
from mypage.state.bill_pay import MESSAGES as PAY_MESSAGES
from mypage.state.bill_pay import NOT_PAYABLE
from mypage.state.bill_settings import SAVED
from mypage.state.card import MESSAGES as CARD_MESSAGES
from mypage.state.two_step_login import EXPIRED as TWO_STEP_EXPIRED
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
    ("reset_password", "error"): "一致しません。",
    ("reset_password", "weak"): "半角英数6文字以上",
    ("home", "filled"): "十和田 花子",
    ("home", "empty"): "三沢 美咲",
    ("contract", "filled"): "ACTケーブルフォン",
    ("contract", "small"): "ACTテレビ ベーシックコース",
    ("card", "filled"): "Mastercard",
    ("card", "changed"): CARD_MESSAGES[payments.Outcome.CHANGED],
    ("card", "cancelled"): CARD_MESSAGES[payments.Outcome.CANCELLED],
    ("card", "invalid"): CARD_MESSAGES[payments.Outcome.INVALID],
    ("card", "failed"): CARD_MESSAGES[payments.Outcome.FAILED],
    ("card_return", "checking"): "カード情報を確認しています…",
    ("login", "two_step"): "パスワードを確認しました。",
    ("login", "two_step_required"): two_step.CODE_REQUIRED,
    ("login", "two_step_wrong"): two_step.CODE_WRONG,
    ("login", "two_step_expired"): TWO_STEP_EXPIRED,
    ("bills", "filled"): "明細を見る",
    ("bills", "empty"): "ご請求はまだありません。",
    ("bills", "paid"): PAY_MESSAGES[billpay.Outcome.PAID],
    ("bills", "already_paid"): PAY_MESSAGES[billpay.Outcome.ALREADY_PAID],
    ("bills", "pay_cancelled"): PAY_MESSAGES[billpay.Outcome.CANCELLED],
    ("bills", "pay_invalid"): PAY_MESSAGES[billpay.Outcome.INVALID],
    ("bills", "pay_failed"): PAY_MESSAGES[billpay.Outcome.FAILED],
    ("bills", "not_payable"): NOT_PAYABLE,
    ("bill_pay_return", "checking"): "お支払いを確認しています…",
    ("bill_settings", "paperless"): "からWeb明細をご利用中です。",
    ("bill_settings", "paperless_saved"): SAVED["paperless", True],
    ("bill_settings", "mail_off_saved"): SAVED["bill_mail", False],
    ("notices", "empty"): "からのお知らせはありません。",
    ("notice_detail", "missing"): "ご指定のお知らせは見つかりません。",
    ("email_cancel", "valid"): "変更を取り消す",
    ("email_cancel", "done"): "メールアドレスの変更を取り消しました。",
    ("email_cancel", "expired"): "このURLは有効期限が切れています",
    ("email_cancel", "used"): "このURLは使用済みです",
    ("email_cancel", "unknown"): "このURLは無効です",
    ("security", "filled"): "198.51.100.24",
    ("security", "empty"): "ログインの記録はまだありません。",
    ("security", "device_ended"): security.DEVICE_ENDED,
    ("security", "setup"): "次の設定キーをアプリに入力してください。",
    ("security", "setup_wrong"): two_step.CODE_WRONG,
    ("security", "enabled"): security.ENABLED,
    ("security", "on"): "無効にするには、現在のパスワード",
    ("security", "off_password"): account_settings.CURRENT_WRONG,
    ("security", "off_code"): two_step.CODE_WRONG,
    ("security", "disabled"): security.DISABLED,
    ("account", "success"): "パスワードを変更しました。",
    ("account", "email_pending"): "hanako.new@example.jp",
    ("account", "login_id_done"): "に変更しました。次回から新しいログインIDで",
    ("account", "email_sent"): "宛てに確認メールを送信しました。",
    ("account", "email_failed"): "確認メールを送信できませんでした。",
    ("account", "others_done"): "からログアウトしました。",
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
        if (key, state) == ("notice_detail", "filled"):  # the notice's own title and text
            expect(page.locator("main h1")).not_to_have_text("お知らせ")
            expect(page.get_by_text("ご指定のお知らせは見つかりません。")).to_have_count(0)
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
