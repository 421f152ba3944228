"""ご請求明細: the period's months as a compact list with each statement's details on demand, a chart.

Each month shows its amount, due date, status and CSV; its lines open with 明細を見る.
Only the newest month's details are rendered at first: rendering 24 statements' tables at once kept
a phone's main thread busy for a third of a second.
"""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.components.corrections import correction_notice
from mypage.components.layout import template
from mypage.components.member import (
    back_home,
    download_link,
    empty_state,
    facts,
    period_chooser,
    section_heading,
    status_badge,
)
from mypage.components.payment import paid_details, pay_button, pay_message
from mypage.state.bill_pay import PayState
from mypage.state.bills import BillsState


def chart() -> rx.Component:
    """Monthly totals as horizontal bars, months down the side so that 24 of them fit a phone.

    Plain elements sized by CSS (mypage.css, .bill-chart): a chart library would double what the
    page downloads and keep a phone busy drawing it.
    """
    return rx.el.div(
        rx.foreach(
            BillsState.chart,
            lambda point: rx.el.div(
                rx.el.span(point["month"], class_name="bill-chart-month"),
                rx.el.span(
                    # A plain style attribute: emotion's css would make a class per bar at every render.
                    rx.el.span(class_name="bill-chart-bar", custom_attrs={"style": {"width": point["width"]}}),
                    rx.el.span(point["label"], class_name="bill-chart-value"),
                    class_name="bill-chart-track",
                ),
                class_name="bill-chart-row",
            ),
        ),
        aria_hidden="true",  # the same figures are in the table below, for screen readers
        class_name="bill-chart",
    )


def chart_table() -> rx.Component:
    """The chart's figures as a table that screen readers read; hidden from sight."""
    return rx.el.table(
        rx.el.caption("月別ご請求額（税込）"),
        rx.el.thead(rx.el.tr(rx.el.th("月", scope="col"), rx.el.th("ご請求額", scope="col"))),
        rx.el.tbody(
            rx.foreach(
                BillsState.chart,
                lambda point: rx.el.tr(rx.el.th(point["month"], scope="row"), rx.el.td(point["label"])),
            )
        ),
        class_name="visually-hidden",
    )


def line_row(line) -> rx.Component:
    """An item: description (with the quantity and unit price under it), amount, rate."""
    return rx.el.tr(
        rx.el.th(
            rx.el.span(line.description, rx.cond(line.reduced, " ※", "")),
            rx.el.span(line.quantity, " × ", line.unit_price, class_name="statement-lines-unit"),
            scope="row",
        ),
        rx.el.td(line.amount),
        rx.el.td(line.rate),
    )


def total_row(label, value, strong: bool = False) -> rx.Component:
    """A subtotal, tax or total under the items."""
    return rx.el.tr(
        rx.el.th(label, scope="row"),
        rx.el.td(value),
        rx.el.td(""),
        class_name="statement-lines-total" if strong else "",
    )


def lines_table(item) -> rx.Component:
    """The statement's lines, subtotal and tax per rate, and its total: a plain table styled by mypage.css."""
    return rx.el.table(
        rx.el.thead(
            rx.el.tr(
                rx.el.th("品目", scope="col"),
                rx.el.th("金額（税抜）", scope="col"),
                rx.el.th("税率", scope="col"),
            )
        ),
        rx.el.tbody(
            rx.foreach(item.lines, line_row),
            rx.foreach(
                item.rates,
                lambda rate: rx.fragment(
                    total_row(rate.label + " 小計（税抜）", rate.subtotal), total_row(rate.label + " 消費税", rate.tax)
                ),
            ),
            total_row("消費税合計", item.tax),
            total_row("ご請求金額（税込）", item.total, strong=True),
        ),
        class_name="statement-lines",
    )


def statement_details(item) -> rx.Component:
    """What a month holds beyond its amount: payment method, invoice number, the lines."""
    return rx.fragment(
        facts(("お支払方法", item.payment_method), ("請求書番号", item.invoice_number)),
        lines_table(item),
        rx.cond(item.has_reduced, rx.text("※は軽減税率（8%）対象品目です。", size="2")),
    )


def details_button(item, opened: rx.Var, details_id: rx.Var) -> rx.Component:
    """明細を見る: a disclosure button; aria-expanded tells whether the lines are shown."""
    return rx.el.button(
        "明細を見る",
        rx.el.span(rx.cond(opened, "▲", "▼"), aria_hidden="true", class_name="statement-toggle-mark"),
        type="button",
        aria_expanded=rx.cond(opened, "true", "false"),
        aria_controls=details_id,
        on_click=BillsState.toggle(item.id),
        class_name="statement-toggle",
    )


def statement_card(item) -> rx.Component:
    """One month: amount, due date and status at a glance; the details on demand; the CSV.

    Plain elements styled by mypage.css (.statement-card): the list renders 24 of these at once.
    """
    opened = BillsState.opened.contains(item.id)
    details_id = "statement-" + item.id.to_string()
    return rx.el.li(
        rx.el.div(
            rx.el.h2(item.label, class_name="rt-Heading rt-r-size-5"),  # section_heading's look
            status_badge(item.status_kind, item.status),
            class_name="statement-head",
        ),
        facts(("ご請求金額（税込）", rx.el.strong(item.total)), ("お支払期限", item.due_on)),
        rx.el.div(
            details_button(item, opened, details_id),
            download_link("CSVダウンロード", item.csv_url, "CSVダウンロード（" + item.label + "）"),
            class_name="statement-actions",
        ),
        correction_notice(item),
        pay_button(item),
        paid_details(item),
        # Empty (and not shown) while the month is closed.
        rx.el.div(rx.cond(opened, statement_details(item)), id=details_id, class_name="statement-details"),
        class_name="statement-card",
    )


@template(route=routes.BILLS, title="ご請求明細", on_load=[BillsState.load, PayState.load], member=True)
def bills_page() -> rx.Component:
    """ご請求明細."""
    return rx.vstack(
        pay_message(),
        rx.cond(
            BillsState.statements.length() > 0,
            rx.vstack(
                period_chooser(),
                rx.box(section_heading("月別ご請求額の推移"), chart(), chart_table(), style=styles.card),
                rx.el.ul(rx.foreach(BillsState.statements, statement_card), class_name="statement-list"),
                spacing="4",
                width="100%",
            ),
            rx.cond(BillsState.loaded, empty_state("ご請求はまだありません。")),
        ),
        rx.link("Web明細・お知らせ設定", href=routes.BILL_SETTINGS, style=styles.link),
        back_home(),
        spacing="4",
        width="100%",
    )
