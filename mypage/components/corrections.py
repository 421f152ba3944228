"""修正: a corrected invoice says what it corrects, and its earlier versions stay downloadable beside it."""

from __future__ import annotations

import reflex as rx

from mypage import styles
from mypage.components.member import download_link


def _original(original) -> rx.Component:
    return rx.el.li(
        rx.flex(
            rx.text(
                "修正前の請求書 ",
                rx.text.strong(original.invoice_number),
                "（発行日 ",
                original.issued_on,
                "、ご請求金額（税込） ",
                original.total,
                "）",
                size="2",
            ),
            rx.flex(
                download_link("PDF", original.pdf_url, "PDFダウンロード（修正前 " + original.invoice_number + "）"),
                download_link("CSV", original.csv_url, "CSVダウンロード（修正前 " + original.invoice_number + "）"),
                gap="0.5rem",
                wrap="wrap",
            ),
            direction="column",
            gap="0.25rem",
        ),
        style={"list_style": "none"},
    )


def correction_notice(item) -> rx.Component:
    """Nothing for an invoice as first issued; for a correction, the 修正 mark, the note and the originals."""
    return rx.cond(
        item.correction != "",
        rx.vstack(
            rx.hstack(
                rx.badge("修正", color_scheme="orange", size="2", variant="soft", high_contrast=True),
                rx.text(item.correction, size="2"),
                align="center",
                wrap="wrap",
            ),
            rx.el.ul(
                rx.foreach(item.originals, _original),
                style={"padding": 0, "margin": 0, "display": "grid", "gap": "0.5rem"},
            ),
            spacing="2",
            width="100%",
            style={"border_left": f"3px solid {styles.ACCENT}", "padding_left": "0.75rem"},
        ),
    )
