"""トップ / マイページログイン, laid out as in the operator's guide."""

import reflex as rx

from mypage import routes, styles
from mypage.components.captcha_audio import audio_captcha
from mypage.components.forms import field, message_box
from mypage.components.layout import BRAND, template
from mypage.components.verified import verified_banner
from mypage.state.login import LoginState
from mypage.state.two_step_login import TwoStepLoginState


def caution() -> rx.Component:
    """The guide's <ご注意> text."""
    return rx.box(
        rx.text("<ご注意>", weight="bold"),
        rx.text("マイページをご利用いただく際には、マイページアカウント（ログインID・パスワード）の作成が必要です。"),
        rx.text("作成していない方は、「新規アカウント作成」より、マイページアカウントの作成を行って下さい。"),
        style={**styles.card, "background": styles.ACCENT},
    )


def pending_box() -> rx.Component:
    """For an account whose e-mail is not verified yet: 確認メールを再送信."""
    return rx.cond(
        LoginState.pending,
        rx.vstack(
            rx.button(
                "確認メールを再送信", type="button", on_click=LoginState.resend, style=styles.button, variant="outline"
            ),
            rx.cond(LoginState.resend_message != "", rx.text(LoginState.resend_message, role="status"), rx.fragment()),
            spacing="2",
        ),
        rx.fragment(),
    )


def captcha_field() -> rx.Component:
    """画像認証, asked after repeated failures from this address."""
    return rx.cond(
        LoginState.captcha_image != "",
        rx.vstack(
            rx.image(src=LoginState.captcha_image, alt="画像認証の数字", width="200px", height="70px"),
            audio_captcha(LoginState.captcha_audio),
            field(
                "画像認証",
                "captcha",
                hint="画像に表示されている数字を半角で入力してください。画像が見えにくい場合は「音声で聞く」を押してください。",
                error=LoginState.captcha_error,
                auto_complete="off",
                input_mode="numeric",
            ),
            spacing="2",
            width="100%",
        ),
        rx.fragment(),
    )


def login_form() -> rx.Component:
    """ログインID, パスワード, クリア, ログイン and the recovery links."""
    return rx.form(
        rx.vstack(
            rx.heading("マイページアカウント", as_="h2", size="4"),
            message_box(LoginState.error, styles.ERROR, role="alert"),
            message_box(TwoStepLoginState.error, styles.ERROR, role="alert"),
            pending_box(),
            field(
                "ログインID",
                "login_id",
                auto_complete="username",
                error=LoginState.login_id_error,
                # Uncontrolled: what is typed before the page is live survives hydration.
                default_value=LoginState.login_id,
                on_blur=LoginState.normalize_login_id,
            ),
            field(
                "パスワード",
                "password",
                type_="password",
                auto_complete="current-password",
                error=LoginState.password_error,
            ),
            captcha_field(),
            rx.text("ログインIDを忘れた場合", rx.link("こちら", href=routes.FORGOT_ID, style=styles.link), "。"),
            rx.link("パスワードを忘れた場合", href=routes.FORGOT_PASSWORD, style=styles.link),
            rx.hstack(
                rx.button("クリア", type="button", on_click=LoginState.clear, variant="outline", style=styles.button),
                rx.button("ログイン", type="submit", style=styles.primary_button),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=LoginState.submit,
        width="100%",
    )


def two_step_form() -> rx.Component:
    """二段階認証: the 6-digit code from the authenticator app, or a recovery code."""
    return rx.form(
        rx.vstack(
            rx.heading("二段階認証", as_="h2", size="4"),
            rx.text("パスワードを確認しました。認証アプリに表示されている6桁の確認コードを入力してください。"),
            field(
                "確認コード",
                "two_step_code",
                hint="認証アプリを使えない場合は、控えておいたリカバリーコード（例：ABCDE-FGHJK）を入力できます。",
                error=TwoStepLoginState.code_error,
                auto_complete="one-time-code",
                input_mode="numeric",
                auto_focus=True,
            ),
            rx.hstack(
                rx.button(
                    "戻る", type="button", on_click=TwoStepLoginState.cancel, variant="outline", style=styles.button
                ),
                rx.button("ログイン", type="submit", style=styles.primary_button),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=TwoStepLoginState.submit_code,
        width="100%",
    )


@template(route=routes.LOGIN, title="マイページログイン", on_load=LoginState.load)
def login_page() -> rx.Component:
    """The top page: what MyPage is for, the login form, and 新規アカウント作成."""
    return rx.vstack(
        verified_banner(),
        rx.text(f"{BRAND.portal_name}", weight="bold", size="5"),
        rx.text("マイページでは、ご契約内容、ご請求明細の確認ができます。"),
        message_box(LoginState.notice, styles.SUCCESS),
        caution(),
        rx.box(rx.cond(TwoStepLoginState.active, two_step_form(), login_form()), style=styles.card),
        rx.link("新規アカウント作成", href=routes.REGISTER, style=styles.link_button),
        spacing="4",
        width="100%",
    )
