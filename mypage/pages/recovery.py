"""ログインIDを忘れた場合, パスワードを忘れた場合 and the reset link's パスワードの再設定."""

import reflex as rx

from mypage import routes, styles
from mypage.accounts.validation import password_rule
from mypage.components.forms import field, message_box
from mypage.components.layout import template
from mypage.settings import get_settings
from mypage.state.recovery import ForgotIdState, ForgotPasswordState, ResetPasswordState

BRAND = get_settings().branding


def answer_box(text: rx.Var) -> rx.Component:
    """The answer after 送信する: the same words whether or not anything matched."""
    return rx.box(
        rx.text(text, weight="bold"),
        rx.text(
            f"メールが届かない場合は、迷惑メールフォルダや、{BRAND.mail_domain} からのメールの受信設定を"
            f"ご確認ください。それでも届かない場合は、{BRAND.name}窓口（{BRAND.phone}）までお問合せください。",
            size="2",
        ),
        role="status",
        style={**styles.card, "border": f"2px solid {styles.SUCCESS}"},
    )


def back_link() -> rx.Component:
    """戻る, to the login screen."""
    return rx.link("ログイン画面に戻る", href=routes.LOGIN, style=styles.link)


def request_form(state, first: rx.Component, explanation: str) -> rx.Component:
    """The two fields, 戻る and 送信する; replaced by the answer once sent."""
    return rx.cond(
        state.answer != "",
        rx.vstack(answer_box(state.answer), back_link(), spacing="3", width="100%"),
        rx.form(
            rx.vstack(
                rx.text(explanation),
                first,
                field(
                    "メールアドレス1",
                    "email",
                    type_="email",
                    auto_complete="email",
                    error=state.email_error,
                    hint="マイページアカウントに登録したメールアドレスを入力してください。",
                ),
                rx.hstack(
                    rx.link("戻る", href=routes.LOGIN, style=styles.link_button),
                    rx.button("送信する", type="submit", style=styles.primary_button),
                    spacing="3",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=state.submit,
            style=styles.card,
        ),
    )


@template(route=routes.FORGOT_ID, title="ログインIDを忘れた場合", on_load=ForgotIdState.load)
def forgot_id_page() -> rx.Component:
    """お客様番号 + メールアドレス1 → the login ID by mail."""
    return rx.vstack(
        request_form(
            ForgotIdState,
            field(
                "お客様番号",
                "customer_number",
                auto_complete="off",
                error=ForgotIdState.first_error,
                hint="通知書に記載のお客様番号を半角で入力してください。",
            ),
            "お客様番号とメールアドレス1を入力して「送信する」を押してください。"
            "登録されているメールアドレスに、ログインIDをお送りします。",
        ),
        spacing="4",
        width="100%",
    )


@template(route=routes.FORGOT_PASSWORD, title="パスワードを忘れた場合", on_load=ForgotPasswordState.load)
def forgot_password_page() -> rx.Component:
    """ログインID + メールアドレス1 → a reset link by mail."""
    return rx.vstack(
        request_form(
            ForgotPasswordState,
            field("ログインID", "login_id", auto_complete="username", error=ForgotPasswordState.first_error),
            "ログインIDとメールアドレス1を入力して「送信する」を押してください。"
            "登録されているメールアドレスに、パスワード再設定用のURLをお送りします。",
        ),
        spacing="4",
        width="100%",
    )


def reset_form() -> rx.Component:
    """The new password, twice."""
    settings = get_settings()
    rule = password_rule(settings) + "ログインIDを含むものや、推測されやすいものは使えません。"
    return rx.form(
        rx.vstack(
            message_box(ResetPasswordState.error, styles.ERROR, role="alert"),
            field("新しいパスワード", "password", type_="password", auto_complete="new-password", hint=rule),
            field("パスワード(確認)", "password_confirm", type_="password", auto_complete="new-password"),
            rx.button("パスワードを変更する", type="submit", style=styles.primary_button),
            spacing="3",
            width="100%",
        ),
        on_submit=ResetPasswordState.submit,
        style=styles.card,
    )


@template(route=routes.RESET_PASSWORD, title="パスワードの再設定", on_load=ResetPasswordState.load)
def reset_password_page() -> rx.Component:
    """The reset link's page: opening it uses nothing; the button sets the password."""
    return rx.vstack(
        rx.cond(
            ResetPasswordState.done,
            rx.vstack(
                rx.box(
                    rx.text("パスワードを変更しました。新しいパスワードでログインしてください。", weight="bold"),
                    role="status",
                    style={**styles.card, "border": f"2px solid {styles.SUCCESS}"},
                ),
                rx.link("ログイン画面へ", href=routes.LOGIN, style=styles.link_button),
                spacing="3",
            ),
            rx.cond(
                ResetPasswordState.valid,
                reset_form(),
                rx.vstack(
                    message_box(ResetPasswordState.error, styles.ERROR, role="alert"),
                    rx.link("パスワードを忘れた場合", href=routes.FORGOT_PASSWORD, style=styles.link),
                    spacing="3",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
