import datetime as dt
import io
import shutil
import subprocess

import pypdf
import pytest

from mypage.billing import invoices, statements
from mypage.settings import get_settings
from tests import member_data as md
from tests.member.test_billing import ROUNDING_LINES

TODAY = dt.date(2025, 5, 10)


@pytest.fixture
def statement(dbs):
    customer = md.customer(dbs, name="八戸 次郎")
    md.invoices(dbs, customer, 1, TODAY, lines=ROUNDING_LINES)
    return statements.latest(dbs, customer.id, TODAY)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_holds_every_item_of_a_qualified_invoice(statement):
    pdf = invoices.invoice_pdf(statement, "八戸 次郎")
    text = text_of(pdf)
    brand = get_settings().branding
    for required in (
        "請求書（適格請求書）",
        brand.name,
        f"登録番号：{brand.registration_number}",  # issuer
        "八戸 次郎 様",  # recipient
        f"請求書番号：{statement.invoice_number}",
        "発行日：2025年5月5日",
        "2025年4月1日～2025年4月30日",
        "2025年4月分",  # period
        "D ※",
        "※は軽減税率（8%）対象品目です。",  # reduced-rate items marked
        "10%対象",
        "8%対象（軽減税率）",
        "¥315",
        "¥31",
        "¥222",
        "¥17",  # subtotal and tax per rate, rounded once per rate
        f"¥{statement.total:,}",
    ):
        assert required in text, required
    assert "¥30\n" not in text and "¥16\n" not in text  # what per-line rounding would give
    assert statement.total == 315 + 31 + 222 + 17


def test_pdf_is_deterministic(statement):
    assert invoices.invoice_pdf(statement, "八戸 次郎") == invoices.invoice_pdf(statement, "八戸 次郎")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_japanese_renders_for_poppler(statement, tmp_path):
    path = tmp_path / "invoice.pdf"
    path.write_bytes(invoices.invoice_pdf(statement, "八戸 次郎"))
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    assert "八戸 次郎 様" in text and "消費税額" in text and "T1234567890123" in text


def test_many_lines_continue_on_a_second_page(dbs):
    customer = md.customer(dbs)
    lines = tuple(
        (f"オプション{i} とても長い品目名が折り返されることを確かめるための説明文", 1, 100, 10) for i in range(60)
    )
    md.invoices(dbs, customer, 1, TODAY, lines=lines)
    item = statements.latest(dbs, customer.id, TODAY)
    reader = pypdf.PdfReader(io.BytesIO(invoices.invoice_pdf(item, customer.name)))
    assert len(reader.pages) >= 2
    text = text_of(invoices.invoice_pdf(item, customer.name))
    assert "オプション59" in text and "¥600" in text and f"¥{item.total:,}" in text
