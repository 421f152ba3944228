"""マイページ認証コード通知書: the letters that carry new authentication codes, as one PDF.

Each customer gets one A4 page laid out as the operator's guide shows the letter
「マイページ」設定情報のお知らせ: the address block for a window envelope, the
operator, the お客様番号 and the 認証コード in large fixed-width letters (with
大/小/数 under each character, so that upper case, lower case and digits can be
told apart), the 文字見本 in the same face, the guide's 注意事項 and how to register.

Issuing a letter replaces the customer's earlier codes (customers.issue_auth_code);
the letter is the only place the plain code is ever written. The PDF is
deterministic: the same letters give the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from sqlmodel import Session

from mypage import audit, jptime
from mypage.jptime import format_date
from mypage.models import Customer
from mypage.operator.customers import CODE_VALID_DAYS, issue_auth_code
from mypage.pdftext import BOLD, FONT, FontMissing, printable, register
from mypage.pdftext import wrap as _wrap
from mypage.routes import REGISTER
from mypage.settings import Branding, get_settings

# The code and the 文字見本: BIZ UDGothic's bold, whose half-width letters and digits are fixed-width
# and told apart at a glance (embedded like every font of the letters).
MONO = BOLD
QR_FORM = "registration-qr"
__all__ = ["FontMissing", "Letter", "issue", "letters_pdf", "spaced"]
ISSUED = "code_issued"

TITLE = "「マイページ」設定情報のお知らせ"
SUBTITLE = "（マイページ認証コード通知書）"
INTRO = (
    "お客様の契約内容・請求情報の参照ができる「マイページ」の設定情報は以下の通りです。"
    "マイページのご利用開始にはこちらの情報が必要です。"
)
SAMPLES = (
    ("大文字", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("小文字", "abcdefghijklmnopqrstuvwxyz"),
    ("数字", "1234567890"),
)
CAUTIONS = (
    "お客様番号および認証コードは第三者に知られないよう、お客様ご自身の管理をお願いいたします。",
    "お客様番号および認証コードはすべて半角文字です。",
    "文字見本をご確認いただき、大文字、小文字、数字のご入力にご注意ください。",
)
KIND_MARKS = (("大", str.isupper), ("小", str.islower), ("数", str.isdigit))
KIND_NOTE = "認証コードの文字の下の「大」は大文字、「小」は小文字、「数」は数字を表します。"
DOMAIN_NOTE = "ドメイン指定受信をご利用の方は「{domain}」からのメールを受信できるよう設定してください。"
CONTACT_NOTE = "通知書がお手元にない場合や認証コードがご利用いただけない場合は、お電話でお問合せください。"
REPLACED_NOTE = "この通知書の発行により、以前にお送りした認証コードはご利用いただけなくなりました。"

WIDTH, HEIGHT = A4
MARGIN = 50
LINE = 16
CODE_SIZE = 26
ADDRESS_WIDTH = 250
QR_SIZE = 78


@dataclasses.dataclass(frozen=True)
class Letter:
    """What one customer's letter prints.

    Attributes:
        customer_number: お客様番号.
        name: The addressee (printed with 様).
        postal_code: 郵便番号, NNN-NNNN, or empty.
        address: 住所, or empty.
        auth_code: The new code as printed: four-four-four characters, e.g. Ab3D-eF4g-H5jK.
        issued_on: The letter's date (Japan).
        valid_through: The last day (Japan) on which the code works; None when it never expires.
    """

    customer_number: str
    name: str
    postal_code: str
    address: str
    auth_code: str
    issued_on: dt.date
    valid_through: dt.date | None


def issue(
    db: Session, customers: Sequence[Customer], now: dt.datetime, valid_days: int = CODE_VALID_DAYS
) -> list[Letter]:
    """Issue a new code for each customer, revoking their earlier ones, and say what to print.

    Args:
        db: The session; the caller commits once the letters are safely written.
        customers: Whose letters, in the order they are printed.
        now: The time of issue (aware UTC).
        valid_days: How long the new codes work.

    Returns:
        One letter per customer, each with its new plain code (seen nowhere else).
    """
    letters = []
    for customer in customers:
        code = issue_auth_code(db, customer, now, valid_days)
        audit.record(db, ISSUED, subject=customer.customer_number, detail="letter", now=now)
        expires_at = now + dt.timedelta(days=valid_days)
        letters.append(
            Letter(
                customer_number=customer.customer_number,
                name=customer.name,
                postal_code=customer.postal_code,
                address=customer.address,
                auth_code=code,
                issued_on=jptime.today(now),
                # The last whole day in Japan before the moment it stops working.
                valid_through=jptime.today(expires_at) - dt.timedelta(days=1),
            )
        )
    return letters


def spaced(code: str) -> str:
    """The code as the letter prints it large, like the guide's boxes: "Ab3D - eF4g - H5jK"."""
    return " - ".join(code.split("-"))


class _Page:
    """One letter's page with a cursor moving down."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas, self.y = canvas, HEIGHT - MARGIN

    def text(self, x: float, text: str, size: float = 10, align: str = "left", font: str = FONT) -> None:
        self.canvas.setFont(font, size)
        draw = {
            "left": self.canvas.drawString,
            "right": self.canvas.drawRightString,
            "center": self.canvas.drawCentredString,
        }[align]
        draw(x, self.y, printable(text, font))

    def paragraph(self, x: float, text: str, size: float, width: float, leading: float = LINE) -> None:
        for part in _wrap(text, size, width):
            self.text(x, part, size)
            self.y -= leading

    def heading(self, text: str) -> None:
        self.text(MARGIN, f"●{text}", 11)
        self.y -= LINE * 1.2


def _addresses(page: _Page, letter: Letter, brand: Branding) -> None:
    top = page.y
    page.text(WIDTH - MARGIN, f"発行日：{format_date(letter.issued_on)}", 9, "right")
    # The addressee where a window envelope shows it.
    page.y -= LINE * 1.5
    if letter.postal_code:
        page.text(MARGIN + 10, f"〒{letter.postal_code}", 11)
        page.y -= LINE * 1.2
    if letter.address:
        # A long address gets a smaller size, so that the page keeps its layout.
        size = 11 if len(_wrap(letter.address, 11, ADDRESS_WIDTH)) <= 3 else 8.5
        page.paragraph(MARGIN + 10, letter.address, size, ADDRESS_WIDTH, size * 1.45)
    page.y -= LINE * 0.5
    size = 15 if len(_wrap(f"{letter.name} 様", 15, ADDRESS_WIDTH)) == 1 else 11
    page.paragraph(MARGIN + 10, f"{letter.name} 様", size, ADDRESS_WIDTH, size * 1.4)
    page.y -= LINE * 0.4
    page.text(MARGIN + 10, f"お客様番号 : {letter.customer_number}", 9)
    bottom = page.y
    page.y = top - LINE * 1.5
    for text, size in (
        (brand.name, 12),
        (brand.address, 9),
        (f"TEL {brand.phone}", 9),
        (f"受付時間 {_hours(brand)}", 9),
    ):
        page.text(WIDTH - MARGIN, text, size, "right")
        page.y -= LINE
    page.y = min(page.y, bottom) - LINE * 1.8


def _title(page: _Page) -> None:
    page.text(WIDTH / 2, TITLE, 18, "center")
    page.y -= LINE * 1.4
    page.text(WIDTH / 2, SUBTITLE, 11, "center")
    page.y -= LINE * 1.8
    page.paragraph(MARGIN, INTRO, 10.5, WIDTH - 2 * MARGIN)
    page.y -= LINE * 0.5


def _code_box(page: _Page, letter: Letter) -> None:
    canvas, left = page.canvas, MARGIN + 16
    box_top, height = page.y + 4, LINE * 7.4
    canvas.setLineWidth(1.2)
    canvas.rect(MARGIN, box_top - height, WIDTH - 2 * MARGIN, height, stroke=1, fill=0)
    page.y -= LINE * 1.6
    value_x = left + 130
    page.text(left, "①お客様番号 :", 12)
    page.text(value_x, letter.customer_number, 20, font=MONO)
    page.y -= LINE * 2.6
    page.text(left, "②認証コード :", 12)
    code = spaced(letter.auth_code)
    page.text(value_x, code, CODE_SIZE, font=MONO)
    # 大 / 小 / 数 centred under each character, by the font's own advances.
    canvas.setFont(FONT, 8.5)
    x = value_x
    for char in code:
        advance = pdfmetrics.stringWidth(char, MONO, CODE_SIZE)
        mark = next((label for label, test in KIND_MARKS if test(char)), None)
        if mark:
            canvas.drawCentredString(x + advance / 2, page.y - 14, mark)
        x += advance
    page.y -= LINE * 2.2
    if letter.valid_through:
        page.text(left, f"認証コードの有効期限：{format_date(letter.valid_through)}まで", 10)
    page.y = box_top - height - LINE * 1.3
    page.text(MARGIN, KIND_NOTE, 8.5)
    page.y -= LINE * 0.9
    page.text(MARGIN, REPLACED_NOTE, 8.5)
    page.y -= LINE * 1.8


def _samples(page: _Page) -> None:
    page.heading("文字見本")
    for label, sample in SAMPLES:
        page.text(MARGIN + 12, label, 10)
        page.text(MARGIN + 70, ":", 10)
        page.text(MARGIN + 82, sample, 13, font=MONO)
        page.y -= LINE * 1.25
    page.y -= LINE * 0.6


def _cautions(page: _Page) -> None:
    page.heading("注意事項")
    for caution in CAUTIONS:
        for index, part in enumerate(_wrap(caution, 9.5, WIDTH - 2 * MARGIN - 24)):
            page.text(MARGIN + 12 if index == 0 else MARGIN + 21.5, ("・" if index == 0 else "") + part, 9.5)
            page.y -= LINE
    page.y -= LINE * 0.8


def _how_to_register(page: _Page, brand: Branding, base_url: str) -> None:
    page.heading("ご登録方法")
    top = page.y
    qr_size = QR_SIZE
    text_width = WIDTH - 2 * MARGIN - qr_size - 30
    steps = (
        "下記のURLから「マイページ」を開きます。",
        "「新規アカウント作成」を選び、ログインID・パスワード・メールアドレス、"
        "この通知書のお客様番号と認証コード、画像認証の数字を入力して「次へ」を押します。",
        "入力内容を確認して「登録する」を押すと、確認のメールが届きます。"
        "メールのリンクを開くと登録が完了し、ログインできます。",
    )
    for number, step in enumerate(steps, start=1):
        for index, part in enumerate(_wrap(step, 9.5, text_width - 20)):
            page.text(MARGIN + 12, f"{number}." if index == 0 else "", 9.5)
            page.text(MARGIN + 28, part, 9.5)
            page.y -= LINE
    page.y -= LINE * 0.4
    page.text(MARGIN + 28, base_url, 12, font=MONO)
    page.y -= LINE
    page.text(MARGIN + 28, DOMAIN_NOTE.format(domain=brand.mail_domain), 8.5)
    canvas = page.canvas
    canvas.saveState()
    canvas.translate(WIDTH - MARGIN - qr_size, top - qr_size + 6)
    canvas.doForm(QR_FORM)
    canvas.restoreState()
    page.y = min(page.y, top - qr_size) - LINE


def _qr_form(canvas: Canvas, url: str, size: float = QR_SIZE) -> None:
    """The QR code of the registration page, drawn once as a form that every letter of the batch shows.

    Its modules are drawn as plain rectangles: reportlab's graphics renderer would also set
    its default font (Helvetica, never embedded) in the form.
    """
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    canvas.beginForm(QR_FORM, 0, 0, size, size)
    canvas.scale(size / (right - left), size / (top - bottom))
    canvas.translate(-left, -bottom)
    for shape in widget.draw().contents:  # the white quiet zone, then the dark modules
        if shape.fillColor is not None:
            canvas.setFillColor(shape.fillColor)
            canvas.rect(shape.x, shape.y, shape.width, shape.height, stroke=0, fill=1)
    canvas.endForm()


def _hours(brand: Branding) -> str:
    """The hours with a wave dash: the Japanese font has no glyph for an ASCII tilde."""
    return brand.hours.replace("~", "～")


def _footer(page: _Page, brand: Branding) -> None:
    canvas = page.canvas
    y = MARGIN - 14
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y + 16, WIDTH - MARGIN, y + 16)
    page.y = y
    page.text(MARGIN, "お問合せ", 9.5)
    page.text(MARGIN + 60, f"{brand.name}　TEL {brand.phone}（受付時間 {_hours(brand)}）", 9.5)
    page.y -= LINE
    page.text(MARGIN + 60, CONTACT_NOTE, 8.5)


def letters_pdf(letters: Sequence[Letter], brand: Branding | None = None, base_url: str | None = None) -> bytes:
    """The letters as one PDF, one A4 page each; the same letters give the same bytes.

    Args:
        letters: What to print, in page order.
        brand: The operator; the configured one by default.
        base_url: The portal's address printed on the letters; settings.base_url by default.

    Returns:
        The PDF file's bytes.
    """
    settings = get_settings()
    brand = brand or settings.branding
    base_url = (base_url or settings.base_url).rstrip("/")
    register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1, lang="ja-JP", initialFontName=FONT)
    # No code in the metadata: it is on the page only.
    canvas.setTitle(f"{TITLE}{SUBTITLE}")
    canvas.setAuthor(brand.name)
    canvas.setCreator(brand.portal_name)
    if letters:
        _qr_form(canvas, base_url + REGISTER)
    for letter in letters:
        page = _Page(canvas)
        _addresses(page, letter, brand)
        _title(page)
        _code_box(page, letter)
        _samples(page)
        _cautions(page)
        _how_to_register(page, brand, base_url)
        _footer(page, brand)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
