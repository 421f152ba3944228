"""ID・パスワード変更: the login ID, the password and the e-mail address, each behind the current password.

Also the page of the confirmation link mailed to a new address.
"""

import reflex as rx

from mypage import routes, styles
from mypage.accounts.account_settings import EXPIRED, UNKNOWN, USED, VALID
from mypage.accounts.validation import LOGIN_ID_MAX, LOGIN_ID_MIN, password_rule
from mypage.components.forms import done_box, error_summary, field
from mypage.components.layout import BRAND, template
from mypage.components.member import back_home, facts, section_heading
from mypage.settings import get_settings
from mypage.state import account_settings as st
from mypage.state.account_settings import AccountSettingsState as State
from mypage.state.account_settings import EmailConfirmState


def current_password(name: str) -> rx.Component:
    """現在のパスワード, which every change asks for."""
    return field(
        st.CURRENT_LABEL,
        name,
        type_="password",
        required=True,
        error=State.errors[name],
        auto_complete="current-password",
        hint="確認のため、現在のパスワードを入力してください。",
    )


def change_form(
    key: str, title: str, lead: str, summary: rx.Var, done: rx.Var, button: str, handler, *fields: rx.Component
) -> rx.Component:
    """One of the three forms: its heading, messages, fields and button."""
    title_id = f"{key}-title"
    return rx.box(
        rx.form(
            rx.vstack(
                section_heading(title, id=title_id),
                rx.text(lead, color=styles.MUTED),
                done_box(done),
                error_summary(summary, f"{key}-summary", level="h3"),
                *fields,
                rx.button(button, type="submit", style=styles.primary_button),
                spacing="3",
                width="100%",
            ),
            on_submit=handler,
            reset_on_submit=False,
            no_validate=True,
            aria_labelledby=title_id,
            width="100%",
        ),
        style=styles.card,
        width="100%",
    )


def login_id_form() -> rx.Component:
    """ログインID変更."""
    return change_form(
        "login-id",
        "ログインID変更",
        "新しいログインIDと現在のパスワードを入力してください。",
        State.id_summary,
        State.id_done,
        "ログインIDを変更する",
        State.change_login_id,
        field(
            "新しいログインID",
            st.NEW_LOGIN_ID,
            required=True,
            error=State.errors[st.NEW_LOGIN_ID],
            hint=f"半角英数{LOGIN_ID_MIN}文字以上{LOGIN_ID_MAX}文字以内で入力してください。",
            auto_complete="username",
            auto_capitalize="off",
            spell_check=False,
            default_value=State.new_login_id,
        ),
        current_password(st.ID_CURRENT),
    )


def password_form() -> rx.Component:
    """パスワード変更."""
    settings = get_settings()
    rule = password_rule(settings) + "ログインIDを含むものや、推測されやすいものは使えません。"
    return change_form(
        "password",
        "パスワード変更",
        "変更すると、この画面以外でログインしている端末（スマートフォンなど）はログアウトします。",
        State.pw_summary,
        State.pw_done,
        "パスワードを変更する",
        State.change_password,
        current_password(st.PW_CURRENT),
        field(
            "新しいパスワード",
            st.NEW_PASSWORD,
            type_="password",
            required=True,
            hint=rule,
            error=State.errors[st.NEW_PASSWORD],
            auto_complete="new-password",
        ),
        field(
            "新しいパスワード(確認)",
            st.NEW_PASSWORD_CONFIRM,
            type_="password",
            required=True,
            hint="確認のため、もう一度入力してください。",
            error=State.errors[st.NEW_PASSWORD_CONFIRM],
            auto_complete="new-password",
        ),
    )


def email_form() -> rx.Component:
    """メールアドレス変更."""
    return change_form(
        "email",
        "メールアドレス変更",
        "新しいメールアドレスに確認メールをお送りします。メールのURLを開いて確認すると、変更が完了します。",
        State.mail_summary,
        State.mail_done,
        "確認メールを送信する",
        State.change_email,
        field(
            "新しいメールアドレス",
            st.NEW_EMAIL,
            type_="email",
            required=True,
            error=State.errors[st.NEW_EMAIL],
            hint=f"{BRAND.mail_domain} からのメールを受信できるよう設定してください。",
            auto_complete="email",
            default_value=State.new_email,
        ),
        current_password(st.MAIL_CURRENT),
    )


def other_devices() -> rx.Component:
    """他の端末からログアウト."""
    return rx.box(
        rx.vstack(
            section_heading("他の端末からログアウト"),
            rx.text(
                "この画面以外でログインしている端末（スマートフォン、ほかのパソコンなど）をすべてログアウトします。",
                color=styles.MUTED,
            ),
            done_box(State.others_done),
            rx.button(
                "他の端末からログアウトする",
                type="button",
                on_click=State.sign_out_others,
                variant="outline",
                style=styles.button,
            ),
            spacing="3",
            width="100%",
        ),
        style=styles.card,
        width="100%",
    )


@template(route=routes.ACCOUNT_SETTINGS, title="ID・パスワード変更", on_load=State.load, member=True)
def account_settings_page() -> rx.Component:
    """The current values and the three forms."""
    return rx.vstack(
        rx.box(
            section_heading("現在の登録内容"),
            facts(("ログインID", State.login_id), ("メールアドレス", State.email)),
            rx.cond(
                State.pending_email != "",
                rx.text(
                    "確認待ちの新しいメールアドレス：",
                    rx.text.strong(State.pending_email),
                    "（確認メールのURLを開くと変更されます）",
                    size="2",
                ),
                rx.fragment(),
            ),
            style=styles.card,
            width="100%",
        ),
        login_id_form(),
        password_form(),
        email_form(),
        other_devices(),
        rx.link("ログイン中の端末・ログイン履歴を見る（セキュリティ設定）", href=routes.SECURITY, style=styles.link),
        back_home(),
        spacing="4",
        width="100%",
    )


def link_problem(title: str, text: str) -> rx.Component:
    """A link that cannot be used: what to do now."""
    return rx.box(
        rx.vstack(
            rx.heading(title, as_="h2", size="4", style={"color": styles.ERROR}),
            rx.text(text),
            rx.link("ID・パスワード変更へ", href=routes.ACCOUNT_SETTINGS, style=styles.link),
            spacing="3",
        ),
        role="alert",
        style={**styles.card, "border": f"3px solid {styles.ERROR}"},
    )


@template(route=routes.EMAIL_CONFIRM, title="メールアドレス変更の確認", on_load=EmailConfirmState.open_link)
def email_confirm_page() -> rx.Component:
    """The confirmation link's page: opening it uses nothing; the button changes the address."""
    again = "お手数ですが、マイページにログインし、「ID・パスワード変更」からもう一度お手続きください。"
    return rx.vstack(
        rx.match(
            EmailConfirmState.status,
            (
                VALID,
                rx.vstack(
                    rx.text("新しいメールアドレス：", rx.text.strong(EmailConfirmState.new_email)),
                    rx.text("下のボタンを押すと、マイページのメールアドレスが変更されます。"),
                    rx.button(
                        "メールアドレスを変更する",
                        type="button",
                        on_click=EmailConfirmState.confirm,
                        style=styles.primary_button,
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
            (
                "done",
                rx.box(
                    rx.vstack(
                        rx.text("✔ メールアドレスを ", EmailConfirmState.new_email, " に変更しました。", weight="bold"),
                        rx.link("マイページへ", href=routes.HOME, style=styles.link_button),
                        spacing="3",
                    ),
                    role="status",
                    style={**styles.card, "border": f"2px solid {styles.SUCCESS}"},
                ),
            ),
            (
                EXPIRED,
                link_problem("このURLは有効期限が切れています", f"確認メールのURLの有効期限は24時間です。{again}"),
            ),
            (
                USED,
                link_problem(
                    "このURLは使用済みです", f"このURLは既に使われたか、新しいお申込みで無効になりました。{again}"
                ),
            ),
            (UNKNOWN, link_problem("このURLは無効です", f"URLが途中で切れていないかご確認ください。{again}")),
            rx.text("確認しています…", role="status"),
        ),
        spacing="4",
        width="100%",
    )
