"""Invoices and letters embed their Japanese font, render rare characters and break lines by 禁則."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START

from mypage import pdftext
from mypage.billing import invoices, statements
from mypage.operator import letters
from tests import member_data as md

TODAY = dt.date(2025, 5, 10)
RARE = "髙﨑①㈱～"
LETTER = letters.Letter(
    "1000000101",
    "髙﨑 ㈱① 様方 太郎",
    "030-0801",
    "青森県青森市新町1-2-3 髙﨑ビル①～②",
    "Ab3D-eF4g-H5jK",
    dt.date(2026, 11, 25),
    dt.date(2027, 2, 22),
)


def run(tmp_path, tool: str, pdf: bytes) -> str:
    """pdffonts' table, or pdftotext's text (pages separated by form feeds)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    command = [tool, str(path)] if tool == "pdffonts" else [tool, str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def fonts(tmp_path, pdf: bytes) -> list[tuple[str, str]]:
    """(name, emb) of every font pdffonts lists."""
    rows = run(tmp_path, "pdffonts", pdf).splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows]


@pytest.fixture
def invoice_pdf(dbs) -> bytes:
    customer = md.customer(dbs, name="髙﨑 一郎")
    lines = (
        ("①㈱髙﨑商事 ～ 保守料", 1, 1000, 10),
        *((f"オプション{i}、とても長い品目名です。", 1, 10, 10) for i in range(70)),
    )
    md.invoices(dbs, customer, 1, TODAY, lines=lines)
    return invoices.invoice_pdf(statements.latest(dbs, customer.id, TODAY), customer.name)


def test_every_font_of_an_invoice_and_a_letter_is_embedded(tmp_path, invoice_pdf):
    for pdf in (invoice_pdf, letters.letters_pdf([LETTER, LETTER])):
        listed = fonts(tmp_path, pdf)
        assert listed, "no font listed"
        assert all(emb == "yes" for _, emb in listed), listed
        assert not any("Helvetica" in name or "Courier" in name or "Heisei" in name for name, _ in listed)


def test_rare_characters_render(tmp_path, invoice_pdf):
    for pdf in (invoice_pdf, letters.letters_pdf([LETTER])):
        text = run(tmp_path, "pdftotext", pdf)
        for char in RARE:
            assert char in text, char


def test_no_line_of_a_letter_or_an_invoice_starts_with_a_closing_mark(tmp_path, invoice_pdf):
    for pdf in (invoice_pdf, letters.letters_pdf([LETTER])):
        lines = [line.strip() for line in run(tmp_path, "pdftotext", pdf).splitlines()]
        assert not [line for line in lines if line[:1] in ("、", "。")]


def test_the_invoice_table_header_repeats_on_every_page(tmp_path, invoice_pdf):
    pages = run(tmp_path, "pdftotext", invoice_pdf).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    assert all("品目" in page and "金額（税抜）" in page for page in pages)


def test_letters_draw_the_qr_code_once_per_batch():
    one, three = letters.letters_pdf([LETTER]), letters.letters_pdf([LETTER] * 3)
    assert one.count(b"/Subtype /Form") == three.count(b"/Subtype /Form") == 1
    # Three pages add far less than three QR codes' worth of drawing.
    assert len(three) < len(one) * 2


TEXTS = (
    *letters.CAUTIONS,
    letters.INTRO,
    letters.KIND_NOTE,
    letters.CONTACT_NOTE,
    letters.REPLACED_NOTE,
    "（マイページ）は、「ご契約内容参照」や「ご請求明細」をいつでもご確認いただけるサービスです。ご利用ください。",
)


@pytest.mark.parametrize("width", range(200, 501, 25))
def test_wrap_follows_kinsoku(width):
    for text in TEXTS:
        lines = pdftext.wrap(text, 10, width)
        assert "".join(lines) == text
        assert not [line for line in lines[1:] if line[:1] in ALL_CANNOT_START], lines
        assert not [line for line in lines[:-1] if line[-1:] in ALL_CANNOT_END], lines
        # A line may only overhang by the one mark it hangs.
        for line in lines:
            fits = pdftext.pdfmetrics.stringWidth(line[:-1], pdftext.FONT, 10) <= width + 0.01
            assert fits, line


def test_wrap_keeps_line_breaks_and_empty_text():
    assert pdftext.wrap("", 10, 100) == [""]
    assert pdftext.wrap("一行目\n\n三行目", 10, 300) == ["一行目", "", "三行目"]


def test_a_missing_font_is_named_with_its_package(monkeypatch, tmp_path):
    monkeypatch.setattr(pdftext, "FONT_FILES", ((tmp_path / "none.ttf", None),))
    with pytest.raises(pdftext.FontMissing, match="fonts-morisawa-bizud-gothic"):
        pdftext.font_files()


def test_ipaex_is_the_fallback(monkeypatch, tmp_path):
    regular = tmp_path / "ipaexg.ttf"
    regular.write_bytes(b"")
    monkeypatch.setattr(pdftext, "FONT_FILES", ((tmp_path / "none.ttf", tmp_path / "none-bold.ttf"), (regular, None)))
    assert pdftext.font_files() == (regular, None)


def test_the_portal_does_not_start_without_the_font(monkeypatch, tmp_path, capsys):
    import runpy

    monkeypatch.setattr(pdftext, "FONT_FILES", ((tmp_path / "none.ttf", None),))
    pdftext.register.cache_clear()
    try:
        with pytest.raises(SystemExit) as stopped:
            runpy.run_path(str(Path(__file__).resolve().parents[2] / "rxconfig.py"))
    finally:
        pdftext.register.cache_clear()
    assert stopped.value.code == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("MyPage cannot start: no Japanese TrueType font") and "fonts-morisawa-bizud-gothic" in line


# --- characters beyond the BMP: 𩸽 is in BIZ UDGothic, 𠮷 (U+20BB7) is not ----------------------

TSUCHIYOSHI, HOKKE = "\U00020bb7", "\U00029e3d"  # 𠮷 (outside JIS X 0213), 𩸽 (JIS X 0213 plane 2)


def test_the_font_coverage_of_non_bmp_characters_is_known():
    # Found with reportlab's cmap and fontconfig (`fc-list ":charset=20bb7"` lists only Noto Sans CJK).
    assert pdftext.missing(f"{TSUCHIYOSHI}田 {HOKKE}") == {TSUCHIYOSHI}
    assert pdftext.printable(f"{TSUCHIYOSHI}田 {HOKKE}") == f"吉田 {HOKKE}"
    assert pdftext.printable("\U00020000한") == "〓〓"  # 𠀀 and Hangul: lacking, without a usual substitute
    assert pdftext.printable("髙﨑①㈱～") == "髙﨑①㈱～"


@pytest.fixture
def non_bmp_pdfs(dbs) -> list[bytes]:
    name = f"{TSUCHIYOSHI}田 {HOKKE}子"
    customer = md.customer(dbs, name=name)
    md.invoices(dbs, customer, 1, TODAY, lines=((f"{HOKKE}定期便（{TSUCHIYOSHI}田商店）", 1, 1000, 10),))
    invoice = invoices.invoice_pdf(statements.latest(dbs, customer.id, TODAY), customer.name)
    letter = letters.letters_pdf([dataclasses.replace(LETTER, name=name, address=f"青森県{TSUCHIYOSHI}田町1-1")])
    return [invoice, letter]


def test_non_bmp_characters_print_with_the_embedded_font(tmp_path, non_bmp_pdfs):
    for pdf in non_bmp_pdfs:
        listed = fonts(tmp_path, pdf)
        assert listed and all(emb == "yes" for _, emb in listed), listed
        text = run(tmp_path, "pdftotext", pdf)
        # 𩸽 is drawn from the font (no surrogate pairs, no UCS-2 CMap); 𠮷 as its substitute 吉, never a blank box.
        assert f"{HOKKE}子" in text and "吉田" in text
        assert TSUCHIYOSHI not in text and "〓" not in text
