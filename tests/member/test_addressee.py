"""宛名: a business subscriber's invoice, receipt and CSV name the company (御中), a person's them (様)."""

import csv
import datetime as dt
import io

import pypdf
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mypage import db
from mypage.billing import invoices, receipts, statements
from mypage.models import Customer
from mypage.operator.csvfile import ImportFailed
from mypage.operator.importer import import_customers
from mypage.web import downloads
from tests import member_data as md

TODAY = dt.datetime.now(dt.UTC).date()
NOW = dt.datetime.now(dt.UTC)


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_addressee_line():
    assert statements.Addressee("青森 太郎").line == "青森 太郎 様"
    assert statements.Addressee("青森 太郎", "株式会社みちのく").line == "株式会社みちのく 御中"
    assert statements.Addressee("青森 太郎", "株式会社みちのく", "経理部").line == "株式会社みちのく 経理部 御中"
    assert statements.addressee("八戸 次郎") == statements.Addressee("八戸 次郎")


@pytest.fixture
def company(dbs, database_url, monkeypatch):
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    data = (
        "customer_number,name,company,department\n"
        "5000000001,弘前 一郎,株式会社みちのく物産,経理部\n"
        "5000000002,青森 花子,,\n"
    )
    summary = import_customers(dbs, data.encode(), NOW)
    dbs.commit()
    assert summary.created == 2
    row = dbs.exec(Customer.__table__.select().where(Customer.customer_number == "5000000001")).one()
    customer = dbs.get(Customer, row.id)
    account = md.account(dbs, customer)
    unpaid, paid = md.invoices(dbs, customer, 2, TODAY)[:2]
    app = Starlette(routes=downloads.download_routes(lambda request: account.id))
    return TestClient(app), customer, unpaid, paid


def test_a_company_customers_documents_say_onchu(company):
    client, customer, unpaid, paid = company
    assert (customer.company, customer.department) == ("株式会社みちのく物産", "経理部")
    invoice = text_of(client.get(downloads.invoice_pdf_url(unpaid.id)).content)
    assert "株式会社みちのく物産 経理部 御中" in invoice and "弘前 一郎 様" not in invoice
    receipt = text_of(client.get(downloads.receipt_pdf_url(paid.id)).content)
    assert "株式会社みちのく物産 経理部 御中" in receipt
    rows = list(csv.reader(io.StringIO(client.get(downloads.statement_csv_url(unpaid.id)).content.decode("utf-8-sig"))))
    assert ["宛名", "株式会社みちのく物産 経理部 御中"] in rows


def test_a_person_is_addressed_as_today(dbs):
    customer = md.customer(dbs)
    md.invoices(dbs, customer, 1, TODAY)
    item = statements.latest(dbs, customer.id, TODAY)
    to = statements.addressee_of(customer)
    assert "青森 太郎 様" in text_of(invoices.invoice_pdf(item, to))
    rows = list(csv.reader(io.StringIO(statements.statement_csv(item, to).decode("utf-8-sig"))))
    assert rows[1] == ["お客様名", "青森 太郎"]


def test_company_columns_are_checked(dbs):
    data = f"customer_number,name,company\n5000000003,八戸 次郎,{'株' * 101}\n"
    with pytest.raises(ImportFailed) as caught:
        import_customers(dbs, data.encode(), NOW)
    assert "line 2, company: must be at most 100 characters" in str(caught.value.errors[0])


def test_receipts_use_the_same_addressee(dbs):
    customer = md.customer(dbs)
    md.invoices(dbs, customer, 2, TODAY)
    paid = statements.statements(dbs, customer.id, TODAY)[1]
    text = text_of(receipts.receipt_pdf(paid, statements.Addressee("x", "合同会社つがる", "")))
    assert "合同会社つがる 御中" in text
