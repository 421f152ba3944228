"""ご請求明細: the statements of the chosen period, a chart of their totals, and a CSV of each."""

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

BAR_HEIGHT = 30  # px per month: a horizontal bar per month stays readable at 375 px


def chart() -> rx.Component:
    """Monthly totals as horizontal bars; months down the side, so 24 of them fit a phone."""
    return rx.box(
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(horizontal=False, stroke_dasharray="3 3"),
            rx.recharts.x_axis(type_="number", hide=True),
            rx.recharts.y_axis(
                data_key="month",
                type_="category",
                width=96,
                interval=0,
                tick_line=False,
                tick={"fill": styles.TEXT, "fontSize": 13},
            ),
            rx.recharts.bar(
                rx.recharts.label_list(data_key="label", position="right", fill=styles.TEXT, font_size=13),
                data_key="total",
                fill=styles.PRIMARY,
                is_animation_active=False,
                max_bar_size=18,
            ),
            data=BillsState.chart,
            layout="vertical",
            margin={"top": 4, "right": 72, "bottom": 4, "left": 0},
            width="100%",
            height=BillsState.chart_height,
            custom_attrs={"accessibilityLayer": False},
        ),
        aria_hidden="true",  # the same figures are in the table below, for screen readers
        width="100%",
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
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(line.description, rx.cond(line.reduced, " ※", "")),
            rx.text(line.quantity, " × ", line.unit_price, size="2", color=styles.MUTED),
        ),
        rx.table.cell(line.amount, justify="end"),
        rx.table.cell(line.rate, justify="end"),
    )


def total_row(label, value, strong: bool = False) -> rx.Component:
    """A subtotal, tax or total under the items."""
    text = rx.text.strong if strong else rx.text
    return rx.table.row(
        rx.table.row_header_cell(text(label)), rx.table.cell(text(value), justify="end"), rx.table.cell("")
    )


def lines_table(item) -> rx.Component:
    """The statement's lines, subtotal and tax per rate, and its total."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("品目"),
                rx.table.column_header_cell("金額（税抜）", justify="end"),
                rx.table.column_header_cell("税率", justify="end"),
            )
        ),
        rx.table.body(
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
        variant="surface",
        size="1",
        width="100%",
    )


def statement_card(item, index) -> rx.Component:
    """One month: amount, due date, payment method, status, the lines and the CSV."""
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                section_heading(item.label), status_badge(item.status_kind, item.status), align="center", wrap="wrap"
            ),
            facts(
                ("ご請求金額（税込）", rx.text.strong(item.total)),
                ("お支払期限", item.due_on),
                ("お支払方法", item.payment_method),
                ("請求書番号", item.invoice_number),
            ),
            correction_notice(item),
            pay_button(item),
            paid_details(item),
            rx.el.details(
                rx.el.summary(
                    "明細を見る",
                    style={
                        **styles.link,
                        "cursor": "pointer",
                        "min_height": styles.TOUCH_TARGET,
                        "padding_y": "0.5rem",
                    },
                ),
                lines_table(item),
                rx.cond(item.has_reduced, rx.text("※は軽減税率（8%）対象品目です。", size="2")),
                open=index == 0,  # the newest month's lines are shown at once
                style={"width": "100%"},
            ),
            download_link("CSVダウンロード", item.csv_url, "CSVダウンロード（" + item.label + "）"),
            spacing="3",
            style=styles.card,
        ),
        style={"list_style": "none"},
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
                rx.el.ul(
                    rx.foreach(BillsState.statements, statement_card),
                    style={"padding": 0, "margin": 0, "display": "grid", "gap": "1rem", "width": "100%"},
                ),
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
