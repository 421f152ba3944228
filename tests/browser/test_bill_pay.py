"""お支払い end to end: an unpaid bill paid on the test gateway's page, its receipt, its mail; no second payment."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

from playwright.sync_api import Page, expect
from sqlmodel import select

from mypage import jptime, routes
from mypage.billing import statements
from mypage.models import Account, Customer, Invoice, Payment
from tests import member_data as md
from tests.browser.auth_support import accessible, new_account, url_of
from tests.browser.support import wait_for_app
from tests.browser.test_card import NEXT_YEAR, log_in

TODAY = dt.datetime.now(dt.UTC).date()


def with_bills(app, name: str = "黒石 三郎") -> tuple[Account, statements.Statement]:
    """A new account with two months of bills, the newest unpaid; that one is returned."""
    account = new_account(app, name=name)
    with app.db() as db:
        unpaid = md.invoices(db, db.get(Customer, account.customer_id), 2, TODAY)[0]
        return account, statements.statement(db, account.customer_id, unpaid.id, TODAY)


def open_bills(app, page: Page) -> None:
    page.goto(app(routes.BILLS))
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1, name="ご請求明細")).to_be_visible()


def to_gateway(app, page: Page, item: statements.Statement) -> None:
    page.get_by_role("button", name=f"お支払い（{item.label}）").click()
    expect(page).to_have_url(re.compile("^" + re.escape(app.env["MYPAGE_PAYMENT_GATEWAY_URL"]) + "/pay\\?"))
    expect(page.get_by_role("heading", level=1, name="クレジットカードでのお支払い")).to_be_visible()
    expect(page.get_by_text(statements.yen(item.total))).to_be_visible()  # the portal's amount


def pay(page: Page) -> None:
    page.get_by_label("カード番号").fill("4242 4242 4242 4242")
    page.get_by_label("有効期限 月").fill("12")
    page.get_by_label("有効期限 年").fill(NEXT_YEAR)
    page.get_by_label("セキュリティコード").fill("123")
    page.get_by_label("名義人").fill("SABURO KUROISHI")
    page.get_by_role("button", name="支払う").click()


def watch_returns(page: Page) -> list[str]:
    """The return URLs the gateway sends the browser to."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if routes.BILL_PAY_RETURN in request.url else None)
    return seen


def test_pay_a_bill_get_the_receipt_and_the_mail(app, page: Page, mail):
    account, item = with_bills(app)
    returns = watch_returns(page)
    log_in(app, page, account)
    open_bills(app, page)
    paid_before = page.get_by_role("link", name=re.compile("^領収書（"))
    expect(paid_before).to_have_count(1)  # last month's, paid by bank transfer
    accessible(page)

    to_gateway(app, page, item)
    accessible(page)
    pay(page)

    expect(page).to_have_url(url_of(routes.BILLS))  # the token and nonce have left the address bar
    expect(page.get_by_role("status").filter(has_text="お支払いが完了しました。")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^お支払い（"))).to_have_count(0)
    expect(page.get_by_text("クレジットカード（VISA •••• 4242）")).to_be_visible()
    paid_on = jptime.format_date(jptime.today(dt.datetime.now(dt.UTC)))
    expect(page.get_by_text(paid_on).first).to_be_visible()
    accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=f"領収書（{item.label}）").click()
    assert download.value.suggested_filename == f"receipt-{item.invoice_number}.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", download.value.path(), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "領収書",
        f"R-{item.invoice_number}",
        "黒石 三郎 様",
        statements.yen(item.total),
        "クレジットカード決済",
    ):
        assert expected in text, expected

    notice = mail.wait_for(account.email)
    assert "お支払いを受け付けました" in notice["Subject"]
    body = notice.get_content()
    assert statements.yen(item.total) in body and item.invoice_number in body and "4242424242424242" not in body
    assert not notice.is_multipart()  # no attachment

    # The gateway's return, replayed: refused, and nothing is paid twice.
    assert returns
    page.goto(returns[0])
    expect(page).to_have_url(url_of(routes.BILLS))
    expect(page.get_by_role("alert")).to_contain_text("このお手続きは無効か、有効期限が切れています。")
    with app.db() as db:
        assert len(db.exec(select(Payment).where(Payment.invoice_id == item.id)).all()) == 1
        assert db.get(Invoice, item.id).status == "paid"
    assert len(mail.to(account.email)) == 1


def test_a_double_submit_pays_once(app, page: Page):
    """Two tabs open the payment page of one bill: the second is refused and told the bill is paid."""
    account, item = with_bills(app, "平川 四郎")
    log_in(app, page, account)
    other = page.context.new_page()
    for tab in (page, other):
        open_bills(app, tab)
        to_gateway(app, tab, item)
    pay(page)
    expect(page.get_by_role("status").filter(has_text="お支払いが完了しました。")).to_be_visible()
    pay(other)
    expect(other.get_by_role("heading", level=1, name="このご注文はお支払い済みです")).to_be_visible()
    other.get_by_role("link", name="マイページに戻る").click()
    expect(other).to_have_url(url_of(routes.BILLS))
    expect(other.get_by_role("alert")).to_contain_text("このご請求はすでにお支払い済みです。")
    with app.db() as db:
        assert len(db.exec(select(Payment).where(Payment.invoice_id == item.id)).all()) == 1


def test_a_forged_return_pays_nothing(app, page: Page):
    account, item = with_bills(app, "五所川原 五郎")
    log_in(app, page, account)
    page.goto(app(routes.BILL_PAY_RETURN + "?token=tgw_tok_forged&state=made-up"))
    expect(page).to_have_url(url_of(routes.BILLS))
    expect(page.get_by_role("alert")).to_contain_text("このお手続きは無効か、有効期限が切れています。")
    expect(page.get_by_role("button", name=f"お支払い（{item.label}）")).to_be_visible()
    with app.db() as db:
        assert db.get(Invoice, item.id).status == "unpaid"


def test_pay_from_home_at_375px_and_cancel(app, mobile_page: Page):
    page = mobile_page
    account, item = with_bills(app, "十和田 六郎")
    log_in(app, page, account)
    page.goto(app(routes.HOME))
    wait_for_app(page)
    expect(page.get_by_role("button", name=f"お支払い（{item.label}）")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)
    to_gateway(app, page, item)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="お支払いをせずに戻る").click()
    expect(page).to_have_url(url_of(routes.BILLS))
    expect(page.get_by_role("alert")).to_contain_text("お支払いを取りやめました。")
    expect(page.get_by_role("button", name=f"お支払い（{item.label}）")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)
