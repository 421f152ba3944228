"""領収書: the receipt of a paid bill, as a PDF made with the invoices' PDF code.

It carries the receipt number (R- and the invoice number, so one bill has one receipt),
the date paid, the payer, the amount with its tax per rate, the 但し書き (what it was paid
for), the operator's name, address, phone and registration number, and 「クレジットカード決済」
when it was paid by card. Deterministic like the invoice: the same bill gives the same bytes.
"""

from __future__ import annotations

import io

from mypage.billing.invoices import LINE, MARGIN, WIDTH, _Writer, document, issuer
from mypage.billing.statements import REDUCED_RATE, Addressee, Statement, addressee, yen
from mypage.jptime import format_date
from mypage.settings import Branding, get_settings

CARD = "クレジットカード決済"


def receipt_number(item: Statement) -> str:
    """The receipt's number: one receipt per bill."""
    return f"R-{item.invoice_number}"


def proviso(item: Statement) -> str:
    """但し書き: what the amount was paid for."""
    return f"{item.label}ご利用料金として（請求書番号 {item.invoice_number}）"


def by_card(item: Statement) -> bool:
    """Whether the bill was paid by card (online, or by its card payment method)."""
    return item.paid_method.startswith("クレジットカード")


def receipt_pdf(item: Statement, recipient: str | Addressee, brand: Branding | None = None) -> bytes:
    """The receipt of a paid bill.

    Args:
        item: A paid statement.
        recipient: The payer's name (a person, 様), or their Addressee (a company, 御中).
        brand: The issuing operator; the configured one by default.

    Returns:
        The PDF file's bytes.

    Raises:
        ValueError: The bill is not paid.
    """
    if item.status != "paid" or item.paid_on is None:
        raise ValueError("only a paid bill has a receipt")
    brand = brand or get_settings().branding
    buffer = io.BytesIO()
    canvas = document(buffer, f"領収書 {item.label} {receipt_number(item)}", brand)
    w = _Writer(canvas, item)
    w.text(WIDTH / 2, "領収書", 20, "center")
    w.y -= 24 * 1.6
    w.text(WIDTH - MARGIN, f"領収書番号：{receipt_number(item)}", 9.5, "right")
    w.y -= LINE
    w.text(WIDTH - MARGIN, f"発行日（お支払日）：{format_date(item.paid_on)}", 9.5, "right")
    w.y -= LINE * 2
    w.text(MARGIN, addressee(recipient).line, 14)
    w.rule(1, right=WIDTH / 2 + 40)
    w.y -= LINE * 2.5
    canvas.setLineWidth(1.2)
    canvas.rect(MARGIN, w.y - 14, WIDTH - 2 * MARGIN, 36, stroke=1, fill=0)
    w.text(MARGIN + 12, "金額", 12)
    w.text(WIDTH - MARGIN - 12, f"{yen(item.total)}－（税込）", 18, "right")
    w.y -= LINE * 3
    w.text(MARGIN, f"但し　{proviso(item)}", 10.5)
    w.y -= LINE * 1.5
    w.text(MARGIN, "上記正に領収いたしました。", 10.5)
    w.y -= LINE * 2
    w.text(MARGIN, "内訳", 10)
    w.y -= LINE
    for rate in item.rates:
        label = f"{rate.rate}%対象" + ("（軽減税率）" if rate.rate == REDUCED_RATE else "")
        w.text(MARGIN + 12, f"{label}　{yen(rate.total)}（うち消費税 {yen(rate.tax)}）", 9.5)
        w.y -= LINE
    w.text(MARGIN + 12, f"お支払方法：{item.paid_method}", 9.5)
    w.y -= LINE
    if by_card(item):
        w.text(MARGIN + 12, CARD, 9.5)
        w.y -= LINE
    w.y -= LINE
    issuer(w, brand)
    w.footer()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_filename(item: Statement) -> str:
    """The download's file name: ASCII, so every browser keeps it."""
    return f"receipt-{item.invoice_number}.pdf"
