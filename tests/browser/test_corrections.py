"""A corrected invoice in the browser: 修正 beside the original on インボイス and ご請求明細, both downloadable."""

from __future__ import annotations

import io

import pypdf
import pytest
from playwright.sync_api import Page, expect

from mypage import routes
from tests.browser.auth_support import customer_number, new_account
from tests.browser.support import assert_accessible
from tests.browser.test_member import fits_the_width, log_in, open_page

HEADER = (
    "customer_number,period,invoice_number,issued_on,due_on,payment_method,status,"
    "description,quantity,unit_price,amount,tax_rate"
)


def bills(number: str, fee: int) -> str:
    return (
        f"{HEADER}\n"
        f"{number},2025-04,C-{number}-202504,2025-05-01,2025-05-27,口座振替,paid,ACTテレビ 基本料金,1,{fee},{fee},10\n"
        f"{number},2025-04,C-{number}-202504,2025-05-01,2025-05-27,口座振替,paid,STBレンタル,1,500,500,10\n"
    )


def download(page: Page, name: str) -> bytes:
    with page.expect_download() as caught:
        page.get_by_role("link", name=name).click()
    return caught.value.path().read_bytes()


@pytest.fixture(scope="module")
def corrected(app, tmp_path_factory):
    """A subscriber whose April invoice was issued, downloaded once, then corrected by a second import."""
    account = new_account(app, name="髙﨑 一郎")
    number = customer_number(app, account)
    folder = tmp_path_factory.mktemp("corrections")
    first, second = folder / "first.csv", folder / "second.csv"
    first.write_text(bills(number, 3000), encoding="utf-8")
    second.write_text(bills(number, 3300), encoding="utf-8")
    done = app.cli("import", "bills", str(first))
    assert done.returncode == 0, done.stderr
    return account, number, second


def test_a_correction_is_shown_beside_its_original_and_both_download(app, page: Page, corrected):
    account, number, second = corrected
    log_in(app, page, account.login_id)
    open_page(app, page, routes.INVOICES, "インボイス（適格請求書）")
    before = download(page, "PDFダウンロード（2025年4月分）")

    done = app.cli("import", "bills", str(second), "--json")
    assert done.returncode == 0, done.stderr
    assert '"corrected": 1' in done.stdout

    open_page(app, page, routes.INVOICES, "インボイス（適格請求書）")
    expect(page.get_by_text("修正", exact=True)).to_be_visible()
    expect(page.get_by_text(f"請求書番号 C-{number}-202504 を修正しました", exact=False)).to_be_visible()
    expect(page.get_by_text("¥4,180", exact=True)).to_be_visible()  # the corrected total: (3,300 + 500) + 10 %
    corrected_pdf = download(page, "PDFダウンロード（2025年4月分）")
    original_pdf = download(page, f"PDFダウンロード（修正前 C-{number}-202504）")
    assert original_pdf == before  # the original, byte for byte
    text = pypdf.PdfReader(io.BytesIO(corrected_pdf)).pages[0].extract_text()
    assert "【修正】" in text and f"C-{number}-202504-R1" in text and "¥4,180" in text

    open_page(app, page, routes.BILLS, "ご請求明細")
    expect(page.get_by_text("修正", exact=True)).to_be_visible()
    original_csv = download(page, f"CSVダウンロード（修正前 C-{number}-202504）").decode("utf-8-sig")
    assert "ACTテレビ 基本料金,1,3000,3000,10" in original_csv and "修正" not in original_csv
    corrected_csv = download(page, "CSVダウンロード（2025年4月分）").decode("utf-8-sig")
    assert f"修正,請求書番号 C-{number}-202504 を修正" in corrected_csv and "3300" in corrected_csv


def test_the_correction_is_accessible_at_every_width(app, any_page: Page, corrected):
    account, number, second = corrected
    assert app.cli("import", "bills", str(second)).returncode == 0  # whichever test runs first
    log_in(app, any_page, account.login_id)
    for path, title in ((routes.INVOICES, "インボイス（適格請求書）"), (routes.BILLS, "ご請求明細")):
        open_page(app, any_page, path, title)
        expect(any_page.get_by_text("修正", exact=True)).to_be_visible()
        assert_accessible(any_page)
        assert fits_the_width(any_page)
