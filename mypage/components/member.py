"""Pieces the member pages share: definition lists, status badges, empty states, the period chooser."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router import ReactRouterLink

from mypage import routes, styles
from mypage.state.bills import LATEST, BillsState


def facts(*pairs: tuple[str, rx.Var | str | rx.Component]) -> rx.Component:
    """Label / value pairs as a definition list: side by side, the value below when it does not fit.

    Wrapping by content (not by breakpoint) keeps both readable at 375 px with 大きく. Styled by
    mypage.css (.facts): a class costs the browser nothing per list, inline styles are computed per
    element at every render (24 of them on ご請求明細).
    """
    return rx.el.dl(*[rx.el.div(rx.el.dt(label), rx.el.dd(value)) for label, value in pairs], class_name="facts")


def status_badge(kind: rx.Var, label: rx.Var) -> rx.Component:
    """未払い / お支払い済み / 口座振替予定, each in its own colour and always in words.

    Radix's badge as the plain element it renders (its classes), without its component at each render.
    """
    colour = rx.match(kind, ("paid", "green"), ("scheduled", "blue"), ("overdue", "red"), "orange")
    return rx.el.span(
        label,
        class_name="rt-reset rt-Badge rt-r-size-2 rt-variant-surface rt-high-contrast",
        custom_attrs={"data-accent-color": colour},
    )


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
            style={
                "min_height": styles.TOUCH_TARGET,
                "font_size": "var(--font-size-3)",
                "padding": "0 0.75rem",
                "border": f"1px solid {styles.BORDER}",
                "border_radius": "0.375rem",
                "background": "white",
                "color": styles.TEXT,
            },
        ),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def download_link(text: str, href: rx.Var, label: rx.Var) -> rx.Component:
    """A link the browser follows itself: a file comes from the server, not from the app's router.

    Reflex turns every internal <a> into a React Router link, which would look the path up
    among the pages and show the 404 page; reloadDocument hands the click back to the browser.
    The download attribute keeps the page where it is: without it the browser starts leaving the
    page, Reflex drops the websocket, and the page reconnects and loads its data again.
    """
    return ReactRouterLink.create(
        text,
        to=href,
        reload_document=True,
        aria_label=label,
        class_name="link-button",  # styles.link_button, in mypage.css
        custom_attrs={"download": ""},
    )


def outcome_message(message: rx.Var, succeeded: rx.Var) -> rx.Component:
    """The outcome of a visit to the payment gateway: a status on success, an alert otherwise."""
    return rx.cond(
        message != "",
        rx.cond(
            succeeded,
            rx.box(
                rx.text("✔ " + message, weight="bold"),
                role="status",
                style={**styles.card, "border": f"2px solid {styles.SUCCESS}", "width": "100%"},
            ),
            rx.box(
                rx.text(message, weight="bold", style={"color": styles.ERROR}),
                role="alert",
                style={**styles.card, "border": f"2px solid {styles.ERROR}", "width": "100%"},
            ),
        ),
    )
