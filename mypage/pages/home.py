"""マイページ初期画面: the holder, the previous login, the guide's menu, notices and this month's bill."""

from __future__ import annotations

import reflex as rx
from reflex_base.registry import RegistrationContext

from mypage import routes, styles
from mypage.components.layout import BRAND, template
from mypage.components.member import facts, section_heading, status_badge
from mypage.components.payment import pay_button
from mypage.state.home import HomeState

# The guide's menu, in its order. The last two belong to other screens that may not exist yet.
MENU = (
    ("ご契約内容参照", routes.CONTRACT),
    ("ご請求明細", routes.BILLS),
    ("インボイス（適格請求書）", routes.INVOICES),
    ("クレジットカード変更", routes.CARD),
    ("ID・パスワード変更", routes.ACCOUNT_SETTINGS),
    ("セキュリティ設定", routes.SECURITY),
)
NO_NOTICES = f"{BRAND.name}からのお知らせはありません。"


def page_exists(route: str) -> bool:
    """Whether a page is registered for the route; pages are compiled after all are imported."""
    return any(kwargs.get("route") == route for _, kwargs in RegistrationContext.ensure_context().decorated_pages)


def menu_item(text: str, href: str) -> rx.Component:
    """A menu entry: a large link, or plain text while its screen is not yet available."""
    if page_exists(href):
        item = rx.link(text, href=href, style={**styles.link_button, "width": "100%"})
    else:
        item = rx.text(
            f"{text}（準備中）",
            color=styles.MUTED,
            style={
                **styles.button,
                "display": "flex",
                "align_items": "center",
                "border": f"2px dashed {styles.BORDER}",
                "border_radius": "0.375rem",
            },
        )
    return rx.el.li(item, style={"list_style": "none"})


def menu() -> rx.Component:
    """The guide's menu."""
    return rx.el.nav(
        rx.el.ul(
            *[menu_item(text, href) for text, href in MENU],
            style={
                "display": "grid",
                "grid_template_columns": ["1fr", "1fr 1fr"],
                "gap": "0.75rem",
                "padding": 0,
                "margin": 0,
                "width": "100%",
            },
        ),
        aria_label="メニュー",
        width="100%",
    )


def bill_glance() -> rx.Component:
    """This month's bill: amount, due date and status."""
    bill = HomeState.bill
    return rx.box(
        section_heading("今月のご請求"),
        rx.cond(
            bill,
            rx.vstack(
                facts(
                    ("対象月", bill.label),
                    ("ご請求金額（税込）", rx.text(bill.total, size="6", weight="bold")),
                    ("お支払期限", bill.due_on),
                    ("状態", status_badge(bill.status_kind, bill.status)),
                ),
                pay_button(bill),
                rx.link("ご請求明細を見る", href=routes.BILLS, style=styles.link),
                spacing="3",
            ),
            rx.text("ご請求はまだありません。"),
        ),
        style=styles.card,
    )


def notice_item(notice) -> rx.Component:
    """A notice's title, date and 未読 mark."""
    return rx.el.li(
        rx.hstack(
            rx.cond(notice.read, rx.fragment(), rx.badge("未読", color_scheme="red", variant="solid")),
            rx.link(notice.title, href=notice.url, style=styles.link),
            rx.text(notice.date, size="2", color=styles.MUTED),
            wrap="wrap",
            align="center",
            spacing="2",
        ),
        style={"list_style": "none", "padding_y": "0.5rem", "border_bottom": f"1px solid {styles.BORDER}"},
    )


def notice_box() -> rx.Component:
    """お知らせ: unread first, or the guide's sentence when there are none."""
    return rx.box(
        section_heading("お知らせ"),
        rx.text("お知らせ情報をご覧になれます。", color=styles.MUTED),
        rx.cond(
            HomeState.notices.length() > 0,
            rx.vstack(
                rx.el.ul(rx.foreach(HomeState.notices, notice_item), style={"padding": 0, "width": "100%"}),
                rx.link("お知らせ一覧", href=routes.NOTICES, style=styles.link),
                width="100%",
            ),
            rx.text(NO_NOTICES),
        ),
        style=styles.card,
    )


@template(route=routes.HOME, title="マイページ初期画面", on_load=HomeState.load, member=True)
def home_page() -> rx.Component:
    """マイページ初期画面."""
    return rx.vstack(
        rx.box(
            facts(
                ("契約者名", rx.text(HomeState.name, " 様", weight="bold")),
                (
                    "前回ログイン日時",
                    rx.cond(HomeState.previous_login != "", HomeState.previous_login, "はじめてのログインです"),
                ),
            ),
            style=styles.card,
        ),
        menu(),
        bill_glance(),
        notice_box(),
        spacing="4",
        width="100%",
    )
