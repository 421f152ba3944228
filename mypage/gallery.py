"""画面ギャラリー's catalog (development only): every screen and the states it can be in.

The gallery shows the portal's own page functions under /dev/gallery/<screen>?state=<state>,
with the screen's state filled in by mypage/state/gallery.py from the demo's fixed data, so
that a wording or colour change shows there at once. This module only names the screens and
states and spells their addresses; it knows nothing of Reflex.

A new page in mypage/routes.py needs a Screen here, its page function in PAGES of
mypage/pages/dev_gallery.py and a stager in STAGERS of mypage/state/gallery.py;
tests/core/test_gallery.py fails until the catalog has it.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from mypage import routes

WIDTHS = (375, 1280)
FONTS = (("standard", "標準"), ("large", "大きく"))


@dataclasses.dataclass(frozen=True)
class Screen:
    """A screen of the portal and its meaningful states, (key, Japanese label) each."""

    key: str
    name: str
    route: str
    states: tuple[tuple[str, str], ...]

    @property
    def path(self) -> str:
        """Where the gallery shows this screen."""
        return f"{routes.DEV_GALLERY}/{self.key}"


SCREENS = (
    Screen(
        "login",
        "マイページログイン",
        routes.LOGIN,
        (
            ("empty", "空欄"),
            ("required", "入力エラー（未入力）"),
            ("wrong", "ログインIDまたはパスワードの誤り"),
            ("captcha", "画像認証あり"),
            ("captcha_wrong", "画像認証の誤り"),
            ("locked", "ロック中"),
            ("throttled", "接続元からの失敗が続いたとき"),
            ("pending", "メール認証前"),
            ("verified", "メール認証の完了"),
            ("logout", "ログアウト後"),
            ("timeout", "自動ログアウト後"),
            ("two_step", "二段階認証の確認コード"),
            ("two_step_required", "確認コードの未入力"),
            ("two_step_wrong", "確認コードの誤り"),
            ("two_step_expired", "確認コードの時間切れ"),
        ),
    ),
    Screen(
        "register",
        "マイページアカウント作成",
        routes.REGISTER,
        (
            ("empty", "空欄"),
            ("filled", "入力済み"),
            ("required", "入力エラー（すべて未入力）"),
            ("invalid", "入力エラー（形式の誤り）"),
            ("wrong_captcha", "画像認証の誤り"),
            ("wrong_pair", "お客様番号または認証コードの誤り"),
            ("code_locked", "認証コードのロック中"),
            ("login_id_taken", "使用済みのログインID"),
            ("account_exists", "登録済みのお客様"),
        ),
    ),
    Screen("register_confirm", "入力内容の確認", routes.REGISTER_CONFIRM, (("filled", "入力内容"),)),
    Screen(
        "register_sent",
        "送信完了",
        routes.REGISTER_SENT,
        (("success", "送信完了"), ("resent", "再送信の完了"), ("mail_failed", "メール送信の失敗")),
    ),
    Screen(
        "verify",
        "メールアドレスの認証",
        routes.VERIFY,
        (
            ("valid", "有効なリンク"),
            ("expired", "期限切れのリンク"),
            ("used", "使用済みのリンク"),
            ("unknown", "無効なリンク"),
        ),
    ),
    Screen(
        "forgot_id",
        "ログインIDを忘れた場合",
        routes.FORGOT_ID,
        (
            ("empty", "空欄"),
            ("required", "入力エラー（未入力）"),
            ("success", "受付の完了"),
            ("throttled", "受付の一時停止"),
        ),
    ),
    Screen(
        "forgot_password",
        "パスワードを忘れた場合",
        routes.FORGOT_PASSWORD,
        (
            ("empty", "空欄"),
            ("required", "入力エラー（未入力）"),
            ("success", "受付の完了"),
            ("throttled", "受付の一時停止"),
        ),
    ),
    Screen(
        "reset_password",
        "パスワードの再設定",
        routes.RESET_PASSWORD,
        (
            ("valid", "有効なリンク"),
            ("error", "入力エラー（確認用との不一致）"),
            ("weak", "入力エラー（パスワードの条件）"),
            ("expired", "期限切れ・無効なリンク"),
            ("success", "変更の完了"),
        ),
    ),
    Screen(
        "home",
        "マイページ初期画面",
        routes.HOME,
        (("filled", "請求・お知らせあり"), ("empty", "請求・お知らせなし")),
    ),
    Screen(
        "contract",
        "ご契約内容参照",
        routes.CONTRACT,
        (("filled", "テレビ・ネット・電話"), ("small", "テレビのみ（今月から）")),
    ),
    Screen(
        "bills",
        "ご請求明細",
        routes.BILLS,
        (
            ("filled", "24か月分"),
            ("empty", "請求なし"),
            ("paid", "お支払いの完了"),
            ("already_paid", "お支払い済みのご請求"),
            ("pay_cancelled", "お支払いの取りやめ"),
            ("pay_invalid", "無効なお手続き"),
            ("pay_failed", "お支払いの失敗"),
            ("not_payable", "マイページでは払えないご請求"),
        ),
    ),
    Screen(
        "bill_pay_return",
        "お支払い（決済代行会社からの戻り）",
        routes.BILL_PAY_RETURN,
        (("checking", "確認中（この後ご請求明細へ）"),),
    ),
    Screen(
        "bill_settings",
        "Web明細・お知らせ設定",
        routes.BILL_SETTINGS,
        (
            ("paper", "紙の請求書・メールあり"),
            ("paperless", "Web明細・メール停止"),
            ("paperless_saved", "Web明細への切り替えの完了"),
            ("mail_off_saved", "メール停止の完了"),
        ),
    ),
    Screen("invoices", "インボイス（適格請求書）", routes.INVOICES, (("filled", "24か月分"), ("empty", "請求なし"))),
    Screen("notices", "お知らせ", routes.NOTICES, (("filled", "お知らせあり"), ("empty", "お知らせなし"))),
    Screen(
        "notice_detail",
        "お知らせ詳細",
        routes.NOTICE_DETAIL,
        (("filled", "お知らせの本文"), ("missing", "見つからないお知らせ")),
    ),
    Screen(
        "card",
        "クレジットカード変更",
        routes.CARD,
        (
            ("filled", "登録済みのカード"),
            ("empty", "カードの登録なし"),
            ("changed", "変更の完了"),
            ("cancelled", "変更の取りやめ"),
            ("invalid", "無効なお手続き"),
            ("failed", "通信の失敗"),
        ),
    ),
    Screen(
        "card_return",
        "クレジットカード変更（決済代行会社からの戻り）",
        routes.CARD_RETURN,
        (("checking", "確認中（この後クレジットカード変更へ）"),),
    ),
    Screen(
        "account",
        "ID・パスワード変更",
        routes.ACCOUNT_SETTINGS,
        (
            ("empty", "空欄"),
            ("login_id_errors", "ログインID変更のエラー"),
            ("password_errors", "パスワード変更のエラー"),
            ("email_errors", "メールアドレス変更のエラー"),
            ("locked", "ロック中"),
            ("success", "変更の完了"),
            ("email_pending", "メールアドレスの確認待ち"),
            ("login_id_done", "ログインID変更の完了"),
            ("email_sent", "確認メールの送信"),
            ("email_failed", "確認メールの送信失敗"),
            ("others_done", "他の端末からのログアウト"),
        ),
    ),
    Screen(
        "email_confirm",
        "メールアドレス変更の確認",
        routes.EMAIL_CONFIRM,
        (
            ("valid", "有効なリンク"),
            ("expired", "期限切れのリンク"),
            ("used", "使用済みのリンク"),
            ("done", "変更の完了"),
        ),
    ),
    Screen(
        "email_cancel",
        "メールアドレス変更の取り消し",
        routes.EMAIL_CANCEL,
        (
            ("valid", "有効なリンク"),
            ("done", "取り消しの完了"),
            ("expired", "期限切れのリンク"),
            ("used", "使用済みのリンク"),
            ("unknown", "無効なリンク"),
        ),
    ),
    Screen(
        "security",
        "セキュリティ設定",
        routes.SECURITY,
        (
            ("filled", "ログイン中の端末・ログイン履歴"),
            ("empty", "ログイン履歴なし"),
            ("device_ended", "他の端末のログアウト"),
            ("setup", "二段階認証の設定中"),
            ("setup_wrong", "確認コードの誤り（設定中）"),
            ("enabled", "二段階認証の有効化（リカバリーコード）"),
            ("on", "二段階認証が有効"),
            ("off_password", "無効にするときのパスワードの誤り"),
            ("off_code", "無効にするときの確認コードの誤り"),
            ("disabled", "二段階認証の無効化"),
        ),
    ),
    Screen("faq", "よくある質問と回答", routes.FAQ, (("content", "本文"),)),
    Screen("terms", "注意事項・ご利用規約", routes.TERMS, (("content", "本文"),)),
    Screen("important", "重要事項説明書", routes.IMPORTANT, (("content", "本文"),)),
)

BY_KEY = {screen.key: screen for screen in SCREENS}
# States that the page reads from its own address rather than from its state.
QUERY = {("login", "verified"): {"verified": "1"}}


def find(key: str, state: str) -> tuple[Screen, str] | None:
    """The screen and state named in a gallery address, or None for anything else."""
    screen = BY_KEY.get(key)
    if screen is None or state not in dict(screen.states):
        return None
    return screen, state


def scene_url(screen: Screen, state: str, font: str | None = None) -> str:
    """The address of one screen in one state, optionally in one font size."""
    query = {"state": state, **QUERY.get((screen.key, state), {}), **({"font": font} if font else {})}
    return f"{screen.path}?{urlencode(query)}"


def scenes() -> list[tuple[Screen, str, str]]:
    """Every (screen, state key, state label), in the gallery's order."""
    return [(screen, key, label) for screen in SCREENS for key, label in screen.states]
