"""セキュリティ設定: ログイン中の端末 (any other one signed out singly), ログイン履歴 and 二段階認証."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.accounts.devices import HISTORY_SIZE
from mypage.components.forms import field
from mypage.components.layout import template
from mypage.components.member import back_home, empty_state, facts, section_heading
from mypage.state.security import OFF_CODE, OFF_PASSWORD, SETUP_CODE
from mypage.state.security import SecurityState as State

LIST_STYLE = {"padding": 0, "margin": 0, "display": "grid", "gap": "0.75rem", "width": "100%"}


def device_item(device) -> rx.Component:
    """One live session: browser, address, times; この端末 or a ログアウト button."""
    return rx.el.li(
        rx.box(
            rx.vstack(
                rx.hstack(
                    rx.heading(device.browser, as_="h3", size="4"),
                    rx.cond(
                        device.current,
                        rx.badge("この端末", color_scheme="green", variant="surface", size="2", high_contrast=True),
                        rx.fragment(),
                    ),
                    wrap="wrap",
                    align="center",
                ),
                facts(
                    ("IPアドレス", device.ip),
                    ("ログイン日時", device.started),
                    ("最終操作日時", device.last_active),
                ),
                rx.cond(
                    device.current,
                    rx.fragment(),
                    rx.button(
                        "ログアウト",
                        type="button",
                        on_click=State.end_device(device.session_id),
                        aria_label="ログアウト：" + device.browser + "（" + device.ip + "）",
                        variant="outline",
                        style=styles.button,
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            style=styles.card,
        ),
        style={"list_style": "none"},
    )


def device_list() -> rx.Component:
    """ログイン中の端末."""
    return rx.vstack(
        section_heading("ログイン中の端末"),
        rx.text(
            "現在マイページにログインしている端末です。心当たりのない端末は「ログアウト」を押し、"
            "パスワードを変更してください。",
            color=styles.MUTED,
        ),
        status_line(State.device_message),
        rx.el.ul(rx.foreach(State.devices, device_item), style=LIST_STYLE),
        rx.link("パスワードを変更する（ID・パスワード変更）", href=routes.ACCOUNT_SETTINGS, style=styles.link),
        width="100%",
        spacing="3",
    )


def history_item(entry) -> rx.Component:
    """One sign-in attempt: when, the result in words, browser and address."""
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(entry.at, weight="bold"),
                rx.badge(
                    entry.result,
                    color_scheme=rx.cond(entry.ok, "green", "red"),
                    variant="surface",
                    size="2",
                    high_contrast=True,
                ),
                wrap="wrap",
                align="center",
            ),
            rx.text(entry.browser, "　", entry.ip, color=styles.MUTED, style={"overflow_wrap": "anywhere"}),
            spacing="1",
        ),
        style={"list_style": "none", "padding_y": "0.5rem", "border_bottom": f"1px solid {styles.BORDER}"},
    )


def history_list() -> rx.Component:
    """ログイン履歴: the last sign-in attempts, newest first, in Japan time."""
    return rx.box(
        rx.vstack(
            section_heading("ログイン履歴"),
            rx.text(
                f"最近{HISTORY_SIZE}回までのログインの記録です（日本時間）。"
                "心当たりのない失敗が続く場合は、パスワードを変更してください。",
                color=styles.MUTED,
            ),
            rx.cond(
                State.history.length() > 0,
                rx.el.ol(rx.foreach(State.history, history_item), style={"padding": 0, "margin": 0, "width": "100%"}),
                empty_state("ログインの記録はまだありません。"),
            ),
            spacing="3",
            width="100%",
        ),
        style=styles.card,
    )


def status_line(text: rx.Var) -> rx.Component:
    """A change went through (announced)."""
    return rx.box(
        rx.cond(text != "", rx.text("✔ ", text, weight="bold"), rx.fragment()),
        role="status",
        width="100%",
    )


def recovery_codes() -> rx.Component:
    """The 10 recovery codes, right after set-up only."""
    return rx.cond(
        State.recovery_codes.length() > 0,
        rx.box(
            rx.heading("リカバリーコード", as_="h3", size="4"),
            rx.text(
                "スマートフォンをなくしたときなど、認証アプリを使えない場合に、確認コードの代わりに使えます。"
                "各コードは1回だけ使えます。この画面を離れると二度と表示されませんので、"
                "印刷するか書き写して、大切に保管してください。"
            ),
            rx.el.ol(
                rx.foreach(
                    State.recovery_codes,
                    lambda code: rx.el.li(rx.code(code, size="4", variant="ghost")),
                ),
                style={
                    "display": "grid",
                    "grid_template_columns": "repeat(auto-fill, minmax(9rem, 1fr))",
                    "gap": "0.5rem",
                },
            ),
            style={**styles.card, "border": f"2px solid {styles.SUCCESS}"},
        ),
        rx.fragment(),
    )


def setup_form() -> rx.Component:
    """Off: 設定を始める, then the QR code, the secret as text and the code to confirm."""
    return rx.cond(
        State.setup_secret != "",
        rx.form(
            rx.vstack(
                rx.text(
                    "1. スマートフォンの認証アプリ（Google Authenticator、Microsoft Authenticator など）で、"
                    "次のQRコードを読み取ってください。"
                ),
                rx.image(
                    src=State.setup_qr,
                    alt="二段階認証の設定用QRコード（読み取れない場合は下の設定キーを入力してください）",
                    width="12rem",
                    height="12rem",
                ),
                rx.text("QRコードを読み取れない場合は、次の設定キーをアプリに入力してください。"),
                rx.code(State.setup_secret, size="4", style={"overflow_wrap": "anywhere"}),
                rx.text("2. アプリに表示された6桁の確認コードを入力し、「有効にする」を押してください。"),
                field(
                    "確認コード",
                    SETUP_CODE,
                    error=State.two_step_errors[SETUP_CODE],
                    auto_complete="one-time-code",
                    input_mode="numeric",
                ),
                rx.button("有効にする", type="submit", style=styles.primary_button),
                spacing="3",
                width="100%",
            ),
            on_submit=State.confirm_two_step,
            aria_label="二段階認証の設定",
            width="100%",
        ),
        rx.button(
            "二段階認証の設定を始める",
            type="button",
            on_click=State.start_two_step,
            variant="outline",
            style=styles.button,
        ),
    )


def disable_form() -> rx.Component:
    """On: 現在のパスワード and a code turn it off."""
    return rx.form(
        rx.vstack(
            rx.text("無効にするには、現在のパスワードと確認コード（またはリカバリーコード）を入力してください。"),
            field(
                "現在のパスワード",
                OFF_PASSWORD,
                type_="password",
                auto_complete="current-password",
                error=State.two_step_errors[OFF_PASSWORD],
            ),
            field(
                "確認コード",
                OFF_CODE,
                error=State.two_step_errors[OFF_CODE],
                auto_complete="one-time-code",
            ),
            rx.button("二段階認証を無効にする", type="submit", variant="outline", style=styles.button),
            spacing="3",
            width="100%",
        ),
        on_submit=State.disable_two_step,
        aria_label="二段階認証を無効にする",
        width="100%",
    )


def two_step_box() -> rx.Component:
    """二段階認証: on with an authenticator app, recovery codes, off with password and code."""
    return rx.box(
        rx.vstack(
            section_heading("二段階認証"),
            rx.text(
                "ログインのとき、パスワードに加えて、スマートフォンの認証アプリに表示される6桁の確認コードを"
                "入力していただく設定です。パスワードが知られても、第三者はログインできなくなります。",
                color=styles.MUTED,
            ),
            facts(
                ("現在の設定", rx.cond(State.two_step_on, rx.text("有効", weight="bold"), rx.text("無効"))),
                ("残りのリカバリーコード", rx.cond(State.two_step_on, rx.text(State.recovery_left, " 個"), "－")),
            ),
            status_line(State.two_step_message),
            recovery_codes(),
            rx.cond(State.two_step_on, disable_form(), setup_form()),
            spacing="3",
            width="100%",
        ),
        style=styles.card,
    )


@template(route=routes.SECURITY, title="セキュリティ設定", on_load=State.load, member=True)
def security_page() -> rx.Component:
    """セキュリティ設定."""
    return rx.vstack(
        device_list(),
        history_list(),
        two_step_box(),
        back_home(),
        spacing="4",
        width="100%",
    )
