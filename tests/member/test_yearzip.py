"""年間一括ダウンロード: a streamed ZIP of one year's invoices and receipts, for the owner only."""

import datetime as dt
import io
import zipfile

import pypdf
import pytest

from mypage.billing import statements, yearzip
from mypage.web import downloads
from tests import member_data as md

TODAY = dt.date(2026, 3, 10)  # bills from 2024-03 to 2026-02: three calendar years


@pytest.fixture
def world(dbs, download_client):
    alice, bob = md.customer(dbs, "1"), md.customer(dbs, "2", "弘前 花子")
    alice_account, bob_account = md.account(dbs, alice), md.account(dbs, bob)
    md.invoices(dbs, alice, 24, TODAY)
    return download_client, alice, alice_account.id, bob_account.id


def test_the_zip_holds_the_years_invoices_and_receipts(world, dbs):
    client, alice, alice_account, _ = world
    response = client.get(downloads.year_zip_url(2025), headers={"x-account": str(alice_account)})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert 'filename="mypage-2025.zip"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    names = archive.namelist()
    year = statements.statements(dbs, alice.id, TODAY, year=2025, limit=None)
    assert len(year) == 12
    invoices = [n for n in names if "_invoice-" in n]
    receipts = [n for n in names if "_receipt-" in n]
    assert invoices == [f"{s.period}_invoice-{s.invoice_number}.pdf" for s in sorted(year, key=lambda s: s.period)]
    assert len(receipts) == 12  # every 2025 bill is paid (only the newest, of 2026-02, is not)
    assert all(name.isascii() for name in names)
    text = pypdf.PdfReader(io.BytesIO(archive.read(invoices[0]))).pages[0].extract_text()
    assert "青森 太郎 様" in text and "2025年1月分" in text
    assert "領収書" in pypdf.PdfReader(io.BytesIO(archive.read(receipts[0]))).pages[0].extract_text()


def test_an_unpaid_bill_has_no_receipt_in_the_zip(world):
    client, _, alice_account, _ = world
    response = client.get(downloads.year_zip_url(2026), headers={"x-account": str(alice_account)})
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert [n.split("_")[1].split("-")[0] for n in names] == ["invoice", "receipt", "invoice"]


def test_the_zip_is_a_stream(world, dbs):
    _, alice, _, _ = world
    items = statements.statements(dbs, alice.id, TODAY, year=2025, limit=None)
    pieces = list(yearzip.year_zip(items, statements.addressee_of(alice)))
    assert len(pieces) == 24 + 1  # one piece per document, then the directory
    assert zipfile.ZipFile(io.BytesIO(b"".join(pieces))).testzip() is None


def test_another_customer_or_an_empty_year_is_not_found(world):
    client, _, alice_account, bob_account = world
    missing = client.get(downloads.year_zip_url(2025), headers={"x-account": str(bob_account)})
    assert missing.status_code == 404
    for year in (2019, 1999, 99999):
        response = client.get(downloads.year_zip_url(year), headers={"x-account": str(alice_account)})
        assert response.status_code == 404 and response.content == missing.content
    assert client.get(downloads.year_zip_url("abc"), headers={"x-account": str(alice_account)}).status_code == 404
    assert client.get(downloads.year_zip_url(2025)).status_code == 303
