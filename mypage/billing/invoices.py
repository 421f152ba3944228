"""インボイス（適格請求書）: a month's statement as a qualified-invoice PDF.

It carries what the qualified-invoice rules ask for: the issuer's name and
registration number (T + 13 digits), the period, the items with reduced-rate
items marked, the subtotal and tax per rate (one rounding per rate, down), the
recipient's name, the invoice number and the issue date. Japanese text uses the
CID font HeiseiKakuGo-W5, which every PDF reader maps to a Japanese gothic face.
The output is deterministic (reportlab's invariant mode fixes the creation date
and document ID), so the same invoice always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from mypage.billing.statements import REDUCED_RATE, Addressee, Statement, addressee, date_label, period_range, yen
from mypage.pdftext import FONT
from mypage.pdftext import wrap as _wrap
from mypage.settings import Branding, get_settings

WIDTH, HEIGHT = A4
MARGIN = 42
LINE = 17
REDUCED_MARK = "※"
REDUCED_NOTE = f"{REDUCED_MARK}は軽減税率（{REDUCED_RATE}%）対象品目です。"
ROUNDING_NOTE = "消費税額は税率ごとに合計した金額から算出し、1円未満を切り捨てています。"
# Item table columns: (heading, right edge or left edge, align)
COLUMNS = (
    ("品目", MARGIN + 4, "left"),
    ("数量", 330, "right"),
    ("単価", 400, "right"),
    ("金額（税抜）", 480, "right"),
    ("税率", WIDTH - MARGIN - 4, "right"),
)
ITEM_WIDTH = 250


class _Writer:
    """A canvas with a cursor that starts a new page when the next row would not fit."""

    def __init__(self, canvas: Canvas, item: Statement) -> None:
        self.canvas, self.item, self.y, self.page = canvas, item, HEIGHT - MARGIN, 1

    def text(self, x: float, text: str, size: float = 10, align: str = "left", y: float | None = None):
        self.canvas.setFont(FONT, size)
        draw = {
            "left": self.canvas.drawString,
            "right": self.canvas.drawRightString,
            "center": self.canvas.drawCentredString,
        }[align]
        draw(x, self.y if y is None else y, text)

    def rule(self, width: float = 0.5, right: float = WIDTH - MARGIN, below: float | None = None) -> None:
        """A line 5 pt under a baseline: the current one, or `below` if given."""
        y = (self.y if below is None else below) - 5
        self.canvas.setLineWidth(width)
        self.canvas.line(MARGIN, y, right, y)

    def room(self, height: float) -> None:
        if self.y - height < MARGIN + 40:
            self.footer()
            self.canvas.showPage()
            self.page += 1
            self.y = HEIGHT - MARGIN
            self.text(MARGIN, f"請求書番号 {self.item.invoice_number}（続き）", 9)
            self.y -= LINE * 1.5
            self.table_head()

    def footer(self) -> None:
        self.text(WIDTH / 2, f"- {self.page} -", 8, "center", y=MARGIN / 2)

    def table_head(self) -> None:
        self.canvas.setFillColorRGB(0.9, 0.93, 0.97)
        self.canvas.rect(MARGIN, self.y - 5, WIDTH - 2 * MARGIN, LINE, stroke=0, fill=1)
        self.canvas.setFillColorRGB(0, 0, 0)
        for heading, x, align in COLUMNS:
            self.text(x, heading, 9, align)
        self.y -= LINE


def issuer(w: _Writer, brand: Branding) -> None:
    """The operator's name, address, phone and registration number, right-aligned from the cursor down."""
    for text, size in (
        (brand.name, 11),
        (brand.address, 9),
        (f"TEL {brand.phone}", 9),
        (f"登録番号：{brand.registration_number}", 9.5),
    ):
        w.text(WIDTH - MARGIN, text, size, "right")
        w.y -= LINE


def document(buffer: io.BytesIO, title: str, brand: Branding) -> Canvas:
    """An A4 canvas with the document's title and the operator as author; invariant, so the bytes repeat."""
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, lang="ja-JP")
    canvas.setTitle(title)
    canvas.setAuthor(brand.name)
    canvas.setCreator(brand.portal_name)
    return canvas


def _head(w: _Writer, item: Statement, recipient: str, brand: Branding) -> None:
    first, last = period_range(item.period)
    w.text(WIDTH / 2, "請求書（適格請求書）", 18, "center")
    w.y -= LINE * 2
    top = w.y
    w.text(MARGIN, recipient, 14)
    w.rule(1, right=WIDTH / 2 - 10)
    w.y -= LINE * 1.6
    for label, value in (
        ("請求書番号", item.invoice_number),
        ("発行日", date_label(item.issued_on)),
        ("ご利用期間", f"{date_label(first)}～{date_label(last)}（{item.label}）"),
        ("お支払期限", date_label(item.due_on)),
        ("お支払方法", item.payment_method),
    ):
        w.text(MARGIN, f"{label}：{value}", 9.5)
        w.y -= LINE
    bottom, w.y = w.y, top
    issuer(w, brand)
    w.y = min(bottom, w.y) - LINE * 0.5
    w.canvas.setLineWidth(1.2)
    w.canvas.rect(MARGIN, w.y - 12, WIDTH - 2 * MARGIN, 30, stroke=1, fill=0)
    w.text(MARGIN + 10, "ご請求金額（税込）", 12)
    w.text(WIDTH - MARGIN - 10, yen(item.total), 16, "right")
    w.y -= LINE * 3


def _items(w: _Writer, item: Statement) -> None:
    w.table_head()
    for line in item.lines:
        label = f"{line.description} {REDUCED_MARK}" if line.reduced else line.description
        wrapped = _wrap(label, 9, ITEM_WIDTH)
        w.room(LINE * len(wrapped))
        for value, (_, x, align) in zip(
            (f"{line.quantity:,}", yen(line.unit_price), yen(line.amount), f"{line.tax_rate}%"),
            COLUMNS[1:],
            strict=True,
        ):
            w.text(x, value, 9, align)
        for part in wrapped:
            w.text(COLUMNS[0][1], part, 9)
            w.y -= LINE
        w.rule(0.25, below=w.y + LINE)
    w.y -= LINE * 0.5
    if item.has_reduced:
        w.text(MARGIN, REDUCED_NOTE, 8.5)
        w.y -= LINE


def _rate_rows(item: Statement) -> Iterator[tuple[str, ...]]:
    for rate in item.rates:
        label = f"{rate.rate}%対象" + ("（軽減税率）" if rate.rate == REDUCED_RATE else "")
        yield label, yen(rate.subtotal), yen(rate.tax), yen(rate.total)
    yield "合計", yen(item.subtotal), yen(item.tax), yen(item.total)


def _totals(w: _Writer, item: Statement) -> None:
    w.room(LINE * (len(item.rates) + 4))
    w.y -= LINE * 0.5
    edges = (300, 390, 470, WIDTH - MARGIN - 4)
    for heading, x in zip(("税率の区分", "対象金額（税抜）", "消費税額", "税込金額"), edges, strict=True):
        w.text(x, heading, 9, "right")
    w.rule(0.5)
    w.y -= LINE
    rows = list(_rate_rows(item))
    for index, row in enumerate(rows):
        if index == len(rows) - 1:
            w.rule(0.5, below=w.y + LINE)
        for value, x in zip(row, edges, strict=True):
            w.text(x, value, 9.5, "right")
        w.y -= LINE
    w.y -= LINE * 0.5
    w.text(MARGIN, ROUNDING_NOTE, 8.5)


def invoice_pdf(item: Statement, recipient: str | Addressee, brand: Branding | None = None) -> bytes:
    """The qualified invoice of one statement, as PDF bytes; the same input gives the same bytes.

    Args:
        item: The statement, with its lines and per-rate totals.
        recipient: The customer's name (a person, 様), or their Addressee (a company, 御中).
        brand: The issuing operator; the configured one by default.

    Returns:
        The PDF file's bytes.
    """
    brand = brand or get_settings().branding
    recipient = addressee(recipient).line
    buffer = io.BytesIO()
    canvas = document(buffer, f"請求書（適格請求書）{item.label} {item.invoice_number}", brand)
    canvas.setSubject(f"{recipient} {item.label}")
    writer = _Writer(canvas, item)
    _head(writer, item, recipient, brand)
    _items(writer, item)
    _totals(writer, item)
    writer.footer()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_filename(item: Statement) -> str:
    """The download's file name: ASCII, so every browser keeps it."""
    return f"invoice-{item.invoice_number}.pdf"
