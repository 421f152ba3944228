"""年間一括ダウンロード: a ZIP of each year's invoices and receipts (mypage.billing.yearzip)."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.components.member import download_link, section_heading
from mypage.state.bills import BillsState


def year_downloads() -> rx.Component:
    """One link per year that has bills."""
    return rx.box(
        section_heading("年間一括ダウンロード"),
        rx.text("1年分の請求書（インボイス）と領収書のPDFを、ZIPファイルにまとめてダウンロードできます。"),
        rx.el.ul(
            rx.foreach(
                BillsState.years,
                lambda year: rx.el.li(
                    download_link(
                        year + "年分（ZIP）", routes.YEAR_ZIP + "/" + year, "年間一括ダウンロード（" + year + "年分）"
                    ),
                    style={"list_style": "none"},
                ),
            ),
            style={"display": "flex", "flex_wrap": "wrap", "gap": "0.75rem", "padding": 0, "margin": "0.75rem 0 0"},
        ),
        style={**styles.card, "width": "100%"},
    )
