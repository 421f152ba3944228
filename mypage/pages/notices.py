"""お知らせ: the list (unread first) and one notice, which opening marks read."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.components.layout import BRAND, heading, template
from mypage.components.member import back_home, empty_state
from mypage.state.notices import NoticesState


def notice_item(notice) -> rx.Component:
    """A notice in the list: 未読 mark, title (the link), date."""
    return rx.el.li(
        rx.hstack(
            rx.cond(
                notice.read,
                rx.badge("既読", variant="outline", color_scheme="gray", high_contrast=True),
                rx.badge("未読", color_scheme="red", variant="solid"),
            ),
            rx.link(notice.title, href=notice.url, style=styles.link),
            rx.text(notice.date, size="2", color=styles.MUTED),
            wrap="wrap",
            align="center",
            spacing="2",
        ),
        style={"list_style": "none", "padding_y": "0.75rem", "border_bottom": f"1px solid {styles.BORDER}"},
    )


@template(route=routes.NOTICES, title="お知らせ", on_load=NoticesState.load_list, member=True)
def notices_page() -> rx.Component:
    """お知らせ一覧."""
    return rx.vstack(
        rx.cond(
            NoticesState.items.length() > 0,
            rx.box(
                rx.el.ul(rx.foreach(NoticesState.items, notice_item), style={"padding": 0, "margin": 0}),
                style=styles.card,
            ),
            rx.cond(NoticesState.loaded, empty_state(f"{BRAND.name}からのお知らせはありません。")),
        ),
        back_home(),
        spacing="4",
        width="100%",
    )


@template(route=routes.NOTICE_DETAIL, title="お知らせ", on_load=NoticesState.load_detail, member=True, h1=False)
def notice_page() -> rx.Component:
    """One notice."""
    notice = NoticesState.current
    return rx.vstack(
        rx.cond(
            notice,
            rx.vstack(
                heading(notice.title),
                rx.text(notice.date, color=styles.MUTED),
                rx.box(rx.text(notice.body, white_space="pre-wrap"), style=styles.card),
                width="100%",
            ),
            rx.vstack(
                heading("お知らせ"), rx.cond(NoticesState.loaded, empty_state("ご指定のお知らせは見つかりません。"))
            ),
        ),
        rx.link("お知らせ一覧へ戻る", href=routes.NOTICES, style=styles.link),
        back_home(),
        spacing="4",
        width="100%",
    )
