"""The page of the cancel link mailed to the old address when a change of address is asked for."""

import reflex as rx

from mypage import routes, styles
from mypage.accounts.tokens import EXPIRED, UNKNOWN, USED, VALID
from mypage.components.layout import template
from mypage.pages.account_settings import link_problem
from mypage.state.email_cancel import DONE, EmailCancelState


@template(route=routes.EMAIL_CANCEL, title="メールアドレス変更の取り消し", on_load=EmailCancelState.open_link)
def email_cancel_page() -> rx.Component:
    """Opening the link uses nothing; the button cancels the pending change."""
    gone = (
        "メールアドレスの変更は確認待ちではありません。"
        "ご不明な点は、ログイン後の「ID・パスワード変更」でご確認ください。"
    )
    return rx.vstack(
        rx.match(
            EmailCancelState.status,
            (
                VALID,
                rx.vstack(
                    rx.text(
                        "下のボタンを押すと、確認待ちのメールアドレス変更を取り消し、すべての端末でログアウトします。"
                    ),
                    rx.button(
                        "変更を取り消す", type="button", on_click=EmailCancelState.cancel, style=styles.primary_button
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
            (
                DONE,
                rx.box(
                    rx.vstack(
                        rx.text(
                            "✔ メールアドレスの変更を取り消しました。すべての端末でログアウトしました。", weight="bold"
                        ),
                        rx.text(
                            "お心当たりのないお申込みだった場合は、パスワードが他人に知られているおそれがあります。"
                            "「パスワードを忘れた場合」から新しいパスワードを設定してください。"
                        ),
                        rx.link("パスワードを忘れた場合", href=routes.FORGOT_PASSWORD, style=styles.link_button),
                        spacing="3",
                    ),
                    role="status",
                    style={**styles.card, "border": f"2px solid {styles.SUCCESS}"},
                ),
            ),
            (EXPIRED, link_problem("このURLは有効期限が切れています", gone)),
            (USED, link_problem("このURLは使用済みです", gone)),
            (UNKNOWN, link_problem("このURLは無効です", "URLが途中で切れていないかご確認ください。")),
            rx.text("確認しています…", role="status"),
        ),
        spacing="4",
        width="100%",
    )
