"""インボイス（適格請求書）: a month's statement as a qualified-invoice PDF.

It carries what the qualified-invoice rules ask for: the issuer's name and
registration number (T + 13 digits), the period, the items with reduced-rate
items marked, the subtotal and tax per rate (one rounding per rate, down), the
recipient's name, the invoice number and the issue date. Japanese text uses the
embedded TrueType face of mypage.pdftext (BIZ UDGothic), so it reads the same everywhere.
The output is deterministic (reportlab's invariant mode fixes the creation date
and document ID), so the same invoice always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mypage.billing.statements import REDUCED_RATE, Addressee, Statement, addressee, period_range, yen
from mypage.jptime import format_date
from mypage.pdftext import FONT, printable, register
from mypage.settings import Branding, get_settings

WIDTH, HEIGHT = A4
MARGIN = 42
LINE = 17
REDUCED_MARK = "※"
REDUCED_NOTE = f"{REDUCED_MARK}は軽減税率（{REDUCED_RATE}%）対象品目です。"
ROUNDING_NOTE = "消費税額は税率ごとに合計した金額から算出し、1円未満を切り捨てています。"
# Item table columns: (heading, width); the items take what the others leave.
COLUMNS = (
    ("品目", WIDTH - 2 * MARGIN - 270),
    ("数量", 50),
    ("単価", 70),
    ("金額（税抜）", 85),
    ("税率", 65),
)
TOTAL_WIDTHS = (130, 100, 80, 90)
HEAD_COLOR = colors.Color(0.9, 0.93, 0.97)


class _Writer:
    """The first page's canvas with a cursor moving down, for the head."""

    def __init__(self, canvas: Canvas, item: Statement) -> None:
        self.canvas, self.item, self.y = canvas, item, HEIGHT - MARGIN

    def text(self, x: float, text: str, size: float = 10, align: str = "left", y: float | None = None):
        self.canvas.setFont(FONT, size)
        draw = {
            "left": self.canvas.drawString,
            "right": self.canvas.drawRightString,
            "center": self.canvas.drawCentredString,
        }[align]
        draw(x, self.y if y is None else y, printable(text))

    def rule(self, width: float = 0.5, right: float = WIDTH - MARGIN, below: float | None = None) -> None:
        """A line 5 pt under a baseline: the current one, or `below` if given."""
        y = (self.y if below is None else below) - 5
        self.canvas.setLineWidth(width)
        self.canvas.line(MARGIN, y, right, y)

    def footer(self) -> None:
        """The page number at the foot of the page (a one-page document's, such as the receipt)."""
        self.text(WIDTH / 2, f"- {self.canvas.getPageNumber()} -", 8, "center", y=MARGIN / 2)


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
    """An A4 canvas with the embedded font, the title and the operator as author; invariant, so the bytes repeat."""
    register()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, lang="ja-JP")
    canvas.setTitle(title)
    canvas.setAuthor(brand.name)
    canvas.setCreator(brand.portal_name)
    return canvas


def _head(w: _Writer, item: Statement, recipient: str, brand: Branding) -> None:
    first, last = period_range(item.period)
    w.text(WIDTH / 2, _title(item), 18, "center")
    w.y -= LINE * 2
    top = w.y
    w.text(MARGIN, recipient, 14)
    w.rule(1, right=WIDTH / 2 - 10)
    w.y -= LINE * 1.6
    for label, value in (
        ("請求書番号", item.invoice_number),
        ("発行日", format_date(item.issued_on)),
        ("ご利用期間", f"{format_date(first)}～{format_date(last)}（{item.label}）"),
        ("お支払期限", format_date(item.due_on)),
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


def _paragraph(text: str, size: float = 9, align: int = TA_LEFT) -> Paragraph:
    style = ParagraphStyle("cell", fontName=FONT, fontSize=size, leading=size * 1.4, wordWrap="CJK", alignment=align)
    return Paragraph(escape(printable(text)), style)


_TABLE_STYLE = [
    ("FONT", (0, 0), (-1, -1), FONT, 9),
    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def _items(item: Statement) -> list:
    """The items as a table whose heading row repeats on every page it runs onto."""
    rows: list[list] = [[heading for heading, _ in COLUMNS]]
    for line in item.lines:
        label = f"{line.description} {REDUCED_MARK}" if line.reduced else line.description
        rows.append(
            [_paragraph(label), f"{line.quantity:,}", yen(line.unit_price), yen(line.amount), f"{line.tax_rate}%"]
        )
    table = Table(rows, colWidths=[width for _, width in COLUMNS], repeatRows=1)
    table.setStyle(TableStyle([*_TABLE_STYLE, ("BACKGROUND", (0, 0), (-1, 0), HEAD_COLOR)]))
    flowables: list = [table, Spacer(0, LINE * 0.5)]
    if item.has_reduced:
        flowables.append(_paragraph(REDUCED_NOTE, 8.5))
    return flowables


def _rate_rows(item: Statement) -> Iterator[tuple[str, ...]]:
    for rate in item.rates:
        label = f"{rate.rate}%対象" + ("（軽減税率）" if rate.rate == REDUCED_RATE else "")
        yield label, yen(rate.subtotal), yen(rate.tax), yen(rate.total)
    yield "合計", yen(item.subtotal), yen(item.tax), yen(item.total)


def _totals(item: Statement) -> list:
    """The subtotal and tax per rate (one rounding per rate), kept on one page with the note under it."""
    rows = [["税率の区分", "対象金額（税抜）", "消費税額", "税込金額"], *(list(row) for row in _rate_rows(item))]
    table = Table(rows, colWidths=TOTAL_WIDTHS, hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [*_TABLE_STYLE, ("ALIGN", (0, 0), (0, -1), "RIGHT"), ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black)]
        )
    )
    return [KeepTogether([Spacer(0, LINE), table, Spacer(0, LINE * 0.5), _paragraph(ROUNDING_NOTE, 8.5)])]


def _head_height(item: Statement, recipient: str, brand: Branding) -> float:
    """How far down the first page the head reaches (it is drawn on the canvas; the table follows it)."""
    writer = _Writer(Canvas(io.BytesIO(), pagesize=A4, initialFontName=FONT), item)
    _head(writer, item, recipient, brand)
    return HEIGHT - writer.y - LINE


def invoice_pdf(item: Statement, recipient: str | Addressee, brand: Branding | None = None) -> bytes:
    """The qualified invoice of one statement, as PDF bytes; the same input gives the same bytes.

    The head (addressee, issuer, total) is drawn on the first page; the items follow as a
    reportlab platypus table that repeats its heading row on each further page, under the
    line 「請求書番号 …（続き）」, and every page is numbered.

    Args:
        item: The statement, with its lines and per-rate totals.
        recipient: The customer's name (a person, 様), or their Addressee (a company, 御中).
        brand: The issuing operator; the configured one by default.

    Returns:
        The PDF file's bytes.
    """
    brand = brand or get_settings().branding
    recipient = addressee(recipient).line
    register()
    buffer = io.BytesIO()
    width, bottom = WIDTH - 2 * MARGIN, MARGIN + 10
    head = _head_height(item, recipient, brand)

    def first_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        writer = _Writer(canvas, item)
        _head(writer, item, recipient, brand)
        _page_number(canvas, doc)

    def later_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.setFont(FONT, 9)
        canvas.drawString(MARGIN, HEIGHT - MARGIN, f"請求書番号 {item.invoice_number}（続き）")
        _page_number(canvas, doc)

    first = Frame(MARGIN, bottom, width, HEIGHT - head - bottom, id="first", leftPadding=0, rightPadding=0)
    later = Frame(MARGIN, bottom, width, HEIGHT - MARGIN - LINE - bottom, id="later", leftPadding=0, rightPadding=0)
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        pageCompression=1,
        lang="ja-JP",
        initialFontName=FONT,
        title=f"{_title(item)}{item.label} {item.invoice_number}",
        author=brand.name,
        creator=brand.portal_name,
        subject=f"{recipient} {item.label}",
        pageTemplates=[
            PageTemplate("first", [first], onPage=first_page),
            PageTemplate("later", [later], onPage=later_page),
        ],
    )
    doc.build([NextPageTemplate("later"), *_correction(item), *_items(item), *_totals(item)])
    return buffer.getvalue()


def _title(item: Statement) -> str:
    return "請求書（適格請求書）【修正】" if item.is_correction else "請求書（適格請求書）"


def _correction(item: Statement) -> list:
    """A correction says which invoice it corrects and what changed, above its items."""
    if not item.is_correction:
        return []
    text = f"修正：この請求書は請求書番号 {item.corrects} を修正するものです。修正内容：{item.correction_note}"
    return [_paragraph(text, 9), Spacer(0, LINE * 0.5)]


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(WIDTH / 2, MARGIN / 2, f"- {doc.page} -")


def pdf_filename(item: Statement) -> str:
    """The download's file name: ASCII, so every browser keeps it."""
    return f"invoice-{item.invoice_number}.pdf"
