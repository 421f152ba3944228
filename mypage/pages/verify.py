"""メールアドレスの認証: the link in the mail opens this page; one button does the verifying."""

import reflex as rx

from mypage import routes, styles
from mypage.accounts import registration
from mypage.components.layout import BRAND, template
from mypage.state.verify import VerifyState


def valid() -> rx.Component:
    """A usable link: the one button."""
    return rx.vstack(
        rx.text("下のボタンを押すと、メールアドレスの認証が完了し、マイページにログインできるようになります。"),
        rx.button("メールアドレスを認証する", type="button", on_click=VerifyState.confirm, style=styles.primary_button),
        spacing="4",
        width="100%",
    )


def problem(title: str, *lines: rx.Component) -> rx.Component:
    """An unusable link: what happened and what to do now."""
    return rx.box(
        rx.vstack(
            rx.heading(title, as_="h2", size="4", style={"color": styles.ERROR}),
            *lines,
            spacing="3",
            width="100%",
        ),
        role="alert",
        style={**styles.card, "border": f"3px solid {styles.ERROR}"},
    )


def expired() -> rx.Component:
    """24 hours have passed: a new mail, or start again."""
    return problem(
        "このURLは有効期限が切れています",
        rx.text("確認メールのURLの有効期限は24時間です。新しい確認メールを送信して、そのURLから認証してください。"),
        rx.button(
            "確認メールを再送信", type="button", on_click=VerifyState.resend, style=styles.button, variant="outline"
        ),
        rx.box(
            rx.cond(
                VerifyState.message != "",
                rx.text("✔ " + VerifyState.message, style={"color": styles.SUCCESS}),
                rx.fragment(),
            ),
            rx.cond(VerifyState.error != "", rx.text("⚠ " + VerifyState.error, style=styles.error_text), rx.fragment()),
            role="status",
        ),
        rx.link("新規アカウント作成をやり直す", href=routes.REGISTER, style=styles.link),
    )


def used() -> rx.Component:
    """Already verified: log in."""
    return rx.box(
        rx.vstack(
            rx.heading("このメールアドレスは認証済みです", as_="h2", size="4"),
            rx.text("ログインIDとパスワードでログインしてください。"),
            rx.link("ログイン画面へ", href=routes.LOGIN, style=styles.link_button),
            spacing="3",
        ),
        role="status",
        style=styles.card,
    )


def unknown() -> rx.Component:
    """A link we never sent, or one replaced by a newer registration."""
    return problem(
        "このURLは無効です",
        rx.text(
            "URLが途中で切れていないかご確認ください。メールのURLをすべてコピーして、ブラウザに貼り付けてお試しください。"
        ),
        rx.text("登録をやり直す場合は、もう一度アカウント作成を行ってください。"),
        rx.link("新規アカウント作成", href=routes.REGISTER, style=styles.link),
        rx.text(f"ご不明な点は、{BRAND.name}窓口（{BRAND.phone}、受付時間 {BRAND.hours}）までお問合せください。"),
    )


@template(route=routes.VERIFY, title="メールアドレスの認証", on_load=VerifyState.open_link)
def verify_page() -> rx.Component:
    """The verification link's page."""
    return rx.vstack(
        rx.match(
            VerifyState.status,
            (registration.VALID, valid()),
            (registration.EXPIRED, expired()),
            (registration.USED, used()),
            (registration.UNKNOWN, unknown()),
            rx.text("確認しています…", role="status"),
        ),
        spacing="4",
        width="100%",
    )
