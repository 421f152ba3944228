"""A business subscriber's invoice says 御中; a year's invoices and receipts come as one ZIP that zipfile opens."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pypdf
from playwright.sync_api import Page, expect

from mypage import routes
from mypage.billing import statements
from mypage.models import Customer
from tests import member_data as md
from tests.browser.auth_support import accessible, new_account
from tests.browser.support import wait_for_app
from tests.browser.test_card import log_in

TODAY = dt.datetime.now(dt.UTC).date()


def company_with_bills(app):
    account = new_account(app, name="弘前 一郎")
    with app.db() as db:
        customer = db.get(Customer, account.customer_id)
        customer.company, customer.department = "株式会社みちのく物産", "経理部"
        db.add(customer)
        db.commit()
        md.invoices(db, customer, 14, TODAY)
        items = statements.statements(db, customer.id, TODAY, limit=None)
    return account, items


def test_company_invoice_and_the_year_zip(app, any_page: Page):
    page = any_page
    account, items = company_with_bills(app)
    log_in(app, page, account)
    page.goto(app(routes.INVOICES))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1, name="インボイス（適格請求書）")).to_be_visible()
    expect(page.get_by_role("heading", name="年間一括ダウンロード")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=f"PDFダウンロード（{items[0].label}）").click()
    text = pypdf.PdfReader(download.value.path()).pages[0].extract_text()
    assert "株式会社みちのく物産 経理部 御中" in text and "弘前 一郎 様" not in text

    year = items[1].period[:4]
    in_year = [s for s in items if s.period.startswith(year)]
    with page.expect_download() as download:
        page.get_by_role("link", name=f"年間一括ダウンロード（{year}年分）").click()
    assert download.value.suggested_filename == f"mypage-{year}.zip"
    archive = zipfile.ZipFile(download.value.path())
    assert archive.testzip() is None
    names = archive.namelist()
    assert sorted(n for n in names if "_invoice-" in n) == sorted(
        f"{s.period}_invoice-{s.invoice_number}.pdf" for s in in_year
    )
    paid = [s for s in in_year if s.status == "paid"]
    assert len([n for n in names if "_receipt-" in n]) == len(paid)
    first = pypdf.PdfReader(io.BytesIO(archive.read(names[0]))).pages[0].extract_text()
    assert "御中" in first
