"""インボイス（適格請求書）: each month's qualified invoice as a PDF."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.components.corrections import correction_notice
from mypage.components.layout import BRAND, template
from mypage.components.member import back_home, download_link, empty_state, facts, period_chooser
from mypage.components.year_download import year_downloads
from mypage.state.bills import BillsState


def invoice_item(item) -> rx.Component:
    """One month's invoice and its download."""
    return rx.el.li(
        rx.flex(
            rx.vstack(
                rx.heading(item.label, as_="h2", size="4"),
                facts(
                    ("請求書番号", item.invoice_number), ("発行日", item.issued_on), ("ご請求金額（税込）", item.total)
                ),
                correction_notice(item),
                spacing="2",
            ),
            download_link("PDFダウンロード", item.pdf_url, "PDFダウンロード（" + item.label + "）"),
            direction={"initial": "column", "sm": "row"},
            justify="between",
            align={"initial": "start", "sm": "center"},
            gap="0.75rem",
            style=styles.card,
        ),
        style={"list_style": "none"},
    )


@template(route=routes.INVOICES, title="インボイス（適格請求書）", on_load=BillsState.load, member=True)
def invoices_page() -> rx.Component:
    """インボイス（適格請求書）."""
    return rx.vstack(
        rx.text(
            f"毎月のご請求書を適格請求書（インボイス）としてPDFでダウンロードいただけます。"
            f"{BRAND.name}の登録番号：{BRAND.registration_number}"
        ),
        rx.cond(
            BillsState.statements.length() > 0,
            rx.vstack(
                period_chooser(),
                rx.el.ul(
                    rx.foreach(BillsState.statements, invoice_item),
                    style={"padding": 0, "margin": 0, "display": "grid", "gap": "0.75rem", "width": "100%"},
                ),
                year_downloads(),
                spacing="4",
                width="100%",
            ),
            rx.cond(BillsState.loaded, empty_state("発行済みの請求書はまだありません。")),
        ),
        back_home(),
        spacing="4",
        width="100%",
    )
