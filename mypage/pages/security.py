"""セキュリティ設定: ログイン中の端末 (each live session, any other one signed out singly) and ログイン履歴."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.accounts.devices import HISTORY_SIZE
from mypage.components.layout import heading, template
from mypage.components.member import back_home, empty_state, facts, section_heading
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
        rx.box(
            rx.cond(State.device_message != "", rx.text("✔ ", State.device_message, weight="bold"), rx.fragment()),
            role="status",
            width="100%",
        ),
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


@template(route=routes.SECURITY, title="セキュリティ設定", on_load=State.load, member=True)
def security_page() -> rx.Component:
    """セキュリティ設定."""
    return rx.vstack(
        heading("セキュリティ設定"),
        device_list(),
        history_list(),
        back_home(),
        spacing="4",
        width="100%",
    )
