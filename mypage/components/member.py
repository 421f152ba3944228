"""Pieces the member pages share: definition lists, status badges, empty states, the period chooser."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.state.bills import LATEST, BillsState


def facts(*pairs: tuple[str, rx.Var | str | rx.Component]) -> rx.Component:
    """Label / value pairs as a definition list, readable at 375 px."""
    return rx.data_list.root(
        *[rx.data_list.item(rx.data_list.label(label, min_width="7rem", color=styles.MUTED),
                            rx.data_list.value(value)) for label, value in pairs],
        orientation={"initial": "vertical", "sm": "horizontal"},
        size="3",
        width="100%",
    )


def status_badge(kind: rx.Var, label: rx.Var) -> rx.Component:
    """未払い / お支払い済み / 口座振替予定, each in its own colour and always in words."""
    colour = rx.match(kind, ("paid", "green"), ("scheduled", "blue"), ("overdue", "red"), "orange")
    return rx.badge(label, color_scheme=colour, variant="surface", size="2", high_contrast=True)


def empty_state(message: str | rx.Var) -> rx.Component:
    """A plain sentence where a list would be, with the operator's phone for questions."""
    return rx.box(rx.text(message), style={**styles.card, "background": styles.ACCENT})


def section_heading(text: str | rx.Var, **props) -> rx.Component:
    """A section's h2."""
    return rx.heading(text, as_="h2", size="5", style={"color": styles.TEXT}, **props)


def back_home() -> rx.Component:
    """The way back to マイページ初期画面."""
    return rx.link("マイページ初期画面へ戻る", href=routes.HOME, style=styles.link)


def period_chooser() -> rx.Component:
    """直近24か月 or one year of statements: a labelled native select, easy on phones."""
    return rx.hstack(
        rx.el.label("表示する期間", html_for="period", style={"font_weight": "bold"}),
        rx.el.select(
            rx.el.option("直近24か月", value=LATEST),
            rx.foreach(BillsState.years, lambda year: rx.el.option(year + "年", value=year)),
            id="period",
            value=BillsState.period,
            on_change=BillsState.choose_period,
            style={"min_height": styles.TOUCH_TARGET, "font_size": "var(--font-size-3)",
                   "padding": "0 0.75rem", "border": f"1px solid {styles.BORDER}",
                   "border_radius": "0.375rem", "background": "white", "color": styles.TEXT},
        ),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def download_link(text: str, href: rx.Var, label: rx.Var) -> rx.Component:
    """A plain <a>: a file is fetched from the server, not routed inside the app."""
    return rx.el.a(text, href=href, aria_label=label, style=styles.link_button)
