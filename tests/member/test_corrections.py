"""A correction's PDF, CSV and rows: marked 修正, naming what it corrects; the original's files unchanged."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
from sqlmodel import select

from mypage.billing import invoices, statements
from mypage.models import Customer
from mypage.operator.importer import import_bills, import_customers
from mypage.state.views import statement_row

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)
HEADER = (
    "customer_number,period,invoice_number,issued_on,due_on,payment_method,status,"
    "description,quantity,unit_price,amount,tax_rate"
)


def bills(fee: int) -> bytes:
    return (
        f"{HEADER}\n"
        f"3000000001,2026-10,ACT-1-202610,2026-11-01,2026-11-27,口座振替,scheduled,ACTテレビ,1,{fee},{fee},10\n"
    ).encode()


def files(item: statements.Statement) -> tuple[bytes, bytes]:
    return invoices.invoice_pdf(item, "八戸 次郎"), statements.statement_csv(item, "八戸 次郎")


def test_correction_files_are_marked_and_the_originals_files_unchanged(dbs):
    import_customers(dbs, "customer_number,name\n3000000001,八戸 次郎\n".encode(), NOW)
    import_bills(dbs, bills(3000))
    dbs.commit()
    customer_id = dbs.exec(select(Customer)).one().id
    (original,) = statements.statements(dbs, customer_id, TODAY)
    before = files(original)
    assert "修正" not in pypdf.PdfReader(io.BytesIO(before[0])).pages[0].extract_text()

    assert import_bills(dbs, bills(3300)).corrected == 1
    dbs.commit()
    (current,) = statements.statements(dbs, customer_id, TODAY)
    again = statements.statement(dbs, customer_id, original.id, TODAY)
    assert files(again) == before  # byte for byte
    assert again.corrected_by == "ACT-1-202610-R1"

    pdf, csv = files(current)
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "請求書（適格請求書）【修正】" in text
    assert "請求書番号 ACT-1-202610 を修正するものです" in text.replace("\n", "")
    assert "¥3,630" in text
    assert '修正,請求書番号 ACT-1-202610 を修正,"削除: ACTテレビ（1・¥3,000・10%）' in csv.decode("utf-8-sig")

    row = statement_row(current)
    assert row.correction.startswith("請求書番号 ACT-1-202610 を修正しました。修正内容：削除: ACTテレビ")
    assert [(o.invoice_number, o.total) for o in row.originals] == [("ACT-1-202610", "¥3,300")]
    assert row.originals[0].pdf_url == statement_row(original).pdf_url
    assert statement_row(original).correction == "" and statement_row(original).originals == []
