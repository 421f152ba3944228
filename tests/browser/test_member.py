"""The member area with the demo data, at 1280 and 375 px: home, contract, bills, invoices, notices.

The tests log in by opening a real server-side session and giving the browser its HttpOnly
cookie, as the login route would: what is tested here is the member area, not the login form.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pypdf
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

import mypage.pages  # noqa: F401  (registers every page, filling MEMBER_ROUTES)
from mypage import routes, security
from mypage.accounts import sessions
from mypage.billing import statements
from mypage.components.layout import MEMBER_ROUTES
from mypage.models import Account, Customer, Invoice, Notice
from mypage.web.downloads import invoice_pdf_url, statement_csv_url
from tests.browser.support import assert_accessible, wait_for_app

REGISTERED = "hanako01"
EMPTY_NUMBER = "9900000001"


def log_in(app, page: Page, login_id: str = REGISTERED) -> Account:
    with app.db() as db:
        account = db.exec(select(Account).where(Account.login_id == login_id)).one()
        token = sessions.start(db, account.id)
        db.commit()
    page.context.add_cookies(
        [{"name": sessions.cookie_name(), "value": token, "url": app.url, "httpOnly": True, "sameSite": "Strict"}]
    )
    return account


def open_page(app, page: Page, path: str, h1: str) -> None:
    page.goto(app(path))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1, name=h1)).to_be_visible()


def fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9))).date()


def statements_of(app, login_id: str = REGISTERED, **kwargs) -> list[statements.Statement]:
    with app.db() as db:
        customer_id = db.exec(select(Account.customer_id).where(Account.login_id == login_id)).one()
        return statements.statements(db, customer_id, today(), **kwargs)


@pytest.fixture(scope="module")
def empty_member(app) -> str:
    """A customer with an account but no services and no bills yet."""
    with app.db() as db:
        customer = Customer(customer_number=EMPTY_NUMBER, name="空 太郎", kana="カラ タロウ")
        db.add(customer)
        db.flush()
        db.add(
            Account(
                customer_id=customer.id,
                login_id="empty01",
                login_id_folded="empty01",
                password_hash=security.hash_password("unused-Passw0rd"),
                email="empty@example.jp",
                status="active",
            )
        )
        db.commit()
    return "empty01"


def test_home_shows_the_holder_menu_bill_and_notices(app, any_page: Page):
    page = any_page
    log_in(app, page)
    open_page(app, page, routes.HOME, "マイページ初期画面")
    expect(page.get_by_text("十和田 花子 様")).to_be_visible()
    expect(page.get_by_text("前回ログイン日時")).to_be_visible()
    menu = page.get_by_role("navigation", name="メニュー")
    for name in ("ご契約内容参照", "ご請求明細", "インボイス（適格請求書）", "ID・パスワード変更"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    expect(menu.get_by_text("クレジットカード変更")).to_be_visible()  # a link once its page exists
    newest = statements_of(app)[0]
    bill = page.get_by_role("heading", name="今月のご請求").locator("..")
    expect(bill.get_by_text(newest.label)).to_be_visible()
    expect(bill.get_by_text(statements.yen(newest.total), exact=True)).to_be_visible()
    expect(bill.get_by_text(newest.status_label, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="マイページをリニューアルしました")).to_be_visible()
    for hidden in ("夜間ネットワークメンテナンスのお知らせ", "マイページ休止のお知らせ", "STB無料交換のご案内"):
        expect(page.get_by_text(hidden)).to_have_count(0)  # ended, not yet begun, someone else's
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    assert fits_the_width(page)
    assert_accessible(page)


def test_contract_lists_the_services(app, any_page: Page):
    page = any_page
    log_in(app, page)
    open_page(app, page, routes.HOME, "マイページ初期画面")
    page.get_by_role("link", name="ご契約内容参照").click()
    expect(page.get_by_role("heading", level=1, name="ご契約内容参照")).to_be_visible()
    expect(page.get_by_text("トワダ ハナコ")).to_be_visible()
    expect(page.get_by_text("青森県十和田市稲生町10-11")).to_be_visible()
    tv = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="ACTテレビ ベーシックコース"))
    expect(tv.get_by_text("テレビ", exact=True)).to_be_visible()
    expect(tv.get_by_text("¥3,000", exact=True)).to_be_visible()
    expect(tv.get_by_text("¥3,300（税率10%）")).to_be_visible()
    expect(page.get_by_role("heading", name="モデムレンタル")).to_be_visible()
    assert fits_the_width(page)
    assert_accessible(page)


def test_bills_chart_table_years_and_csv(app, any_page: Page):
    page = any_page
    log_in(app, page)
    open_page(app, page, routes.BILLS, "ご請求明細")
    latest = statements_of(app)
    csv_links = page.get_by_role("link", name=re.compile("^CSVダウンロード"))
    expect(csv_links).to_have_count(len(latest))
    assert len(latest) == 24
    expect(page.locator(".bill-chart-bar")).to_have_count(24)
    table = page.get_by_role("table", name="月別ご請求額（税込）")
    expect(table.get_by_role("row")).to_have_count(25)
    expect(table.get_by_role("row").nth(24)).to_contain_text(statements.yen(latest[0].total))
    newest = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=latest[0].label))
    expect(newest.get_by_role("row", name=re.compile("ご請求金額（税込）"))).to_contain_text(
        statements.yen(latest[0].total)
    )
    assert fits_the_width(page)
    assert_accessible(page)

    with page.expect_download() as download:
        csv_links.first.click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert ["ご請求金額(税込)", "", "", str(latest[0].total)] in rows

    oldest = statements_of(app, limit=None)[-1].period[:4]
    page.get_by_label("表示する期間").select_option(oldest)
    in_year = statements_of(app, year=int(oldest))
    expect(csv_links).to_have_count(len(in_year))
    expect(page.get_by_role("heading", name=in_year[-1].label)).to_be_visible()
    assert_accessible(page)


def test_invoice_pdf_download(app, any_page: Page):
    page = any_page
    log_in(app, page)
    open_page(app, page, routes.INVOICES, "インボイス（適格請求書）")
    latest = statements_of(app)
    links = page.get_by_role("link", name=re.compile("^PDFダウンロード"))
    expect(links).to_have_count(len(latest))
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"PDFダウンロード（{latest[0].label}）").click()
    assert download.value.suggested_filename == f"invoice-{latest[0].invoice_number}.pdf"
    text = pypdf.PdfReader(download.value.path()).pages[0].extract_text()
    for item in (
        "十和田 花子 様",
        "登録番号：T1234567890123",
        latest[0].invoice_number,
        statements.yen(latest[0].total),
    ):
        assert item in text
    assert fits_the_width(page)


def test_notices_list_detail_and_read_mark(app, any_page: Page):
    page = any_page
    log_in(app, page)
    open_page(app, page, routes.NOTICES, "お知らせ")
    expect(page.get_by_text("STB無料交換のご案内")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="マイページをリニューアルしました").click()
    expect(page.get_by_role("heading", level=1, name="マイページをリニューアルしました")).to_be_visible()
    expect(page.get_by_text("いつでもご確認いただけるようになりました", exact=False)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="お知らせ一覧へ戻る").click()
    item = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="マイページをリニューアルしました"))
    expect(item.get_by_text("既読")).to_be_visible()
    assert fits_the_width(page)


def test_someone_elses_notice_is_not_shown(app, page: Page):
    log_in(app, page)
    with app.db() as db:
        theirs = db.exec(select(Notice.id).where(Notice.title == "STB無料交換のご案内")).one()
    page.goto(app(routes.NOTICE_DETAIL.replace("[notice_id]", str(theirs))))
    wait_for_app(page)
    expect(page.get_by_text("ご指定のお知らせは見つかりません。")).to_be_visible()
    expect(page.get_by_text("STB無料交換")).to_have_count(0)


def test_another_customers_invoice_is_not_found(app, page: Page):
    log_in(app, page)
    mine = statements_of(app)[0]
    with app.db() as db:
        full = db.exec(select(Customer.id).where(Customer.customer_number == "1000000001")).one()
        theirs = db.exec(select(Invoice.id).where(Invoice.customer_id == full)).first()
    for url in (invoice_pdf_url, statement_csv_url):
        assert page.request.get(app(url(mine.id))).status == 200
        assert page.request.get(app(url(theirs))).status == 404
        assert page.request.get(app(url(10**9))).status == 404


def test_every_member_route_is_listed():
    assert {routes.HOME, routes.NOTICE_DETAIL, routes.CARD_RETURN, routes.ACCOUNT_SETTINGS} <= set(MEMBER_ROUTES)


@pytest.mark.parametrize("route", MEMBER_ROUTES)
def test_member_pages_need_a_login(app, page: Page, route: str):
    path = re.sub(r"\[\w+\]", "1", route)  # a dynamic segment such as /notices/[notice_id]
    page.goto(app(path))
    expect(page).to_have_url(re.compile(r"/(\?.*)?$"))
    expect(page.get_by_role("heading", level=1, name="マイページログイン")).to_be_visible()


def test_downloads_need_a_login(app, page: Page):
    invoice = statements_of(app)[0]
    response = page.request.get(app(invoice_pdf_url(invoice.id)), max_redirects=0)
    assert response.status == 303 and response.headers["location"] == routes.LOGIN


def test_a_new_customer_sees_empty_states(app, any_page: Page, empty_member: str):
    page = any_page
    log_in(app, page, empty_member)
    open_page(app, page, routes.HOME, "マイページ初期画面")
    expect(page.get_by_text("空 太郎 様")).to_be_visible()
    expect(page.get_by_text("ご請求はまだありません。")).to_be_visible()
    open_page(app, page, routes.CONTRACT, "ご契約内容参照")
    expect(page.get_by_text("現在ご契約中のサービスはありません。", exact=False)).to_be_visible()
    assert_accessible(page)
    open_page(app, page, routes.BILLS, "ご請求明細")
    expect(page.get_by_text("ご請求はまだありません。")).to_be_visible()
    assert_accessible(page)
    open_page(app, page, routes.INVOICES, "インボイス（適格請求書）")
    expect(page.get_by_text("発行済みの請求書はまだありません。")).to_be_visible()


def test_bills_fit_a_phone_with_large_text(app, mobile_page: Page):
    page = mobile_page
    log_in(app, page)
    open_page(app, page, routes.BILLS, "ご請求明細")
    page.get_by_role("button", name="大きく").click()
    expect(page.get_by_role("button", name="大きく")).to_have_attribute("aria-pressed", "true")
    oldest = statements_of(app)[-1]
    month = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=oldest.label))
    month.get_by_role("button", name="明細を見る").click()  # an older month's lines open on demand
    total = month.get_by_role("row", name=re.compile("ご請求金額（税込）"))
    expect(total).to_contain_text(statements.yen(oldest.total))
    total.scroll_into_view_if_needed()
    assert fits_the_width(page)
    assert_accessible(page)
