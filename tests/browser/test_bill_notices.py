"""Web明細・お知らせ設定 end to end: the paperless switch and its export; bill mails after an import."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from mypage import routes
from mypage.models import Account, utcnow
from tests.browser.auth_support import accessible, customer_number, new_account
from tests.browser.support import wait_for_app
from tests.browser.test_card import log_in
from tests.support import TMP

HEADER = (
    "customer_number,period,invoice_number,issued_on,due_on,payment_method,status,description,"
    "quantity,unit_price,amount,tax_rate"
)


def verified(app, name: str, **fields) -> Account:
    account = new_account(app, name=name)
    with app.db() as db:
        row = db.get(Account, account.id)
        row.verified_at = utcnow()
        for key, value in fields.items():
            setattr(row, key, value)
        db.add(row)
        db.commit()
        return row


def open_settings(app, page: Page) -> None:
    page.goto(app(routes.BILLS))
    wait_for_app(page)
    page.get_by_role("link", name="Web明細・お知らせ設定").click()
    expect(page.get_by_role("heading", level=1, name="Web明細・お知らせ設定")).to_be_visible()
    wait_for_app(page)


def test_paperless_switch_and_export(app, any_page: Page):
    page = any_page
    account = verified(app, "三戸 七郎")
    number = customer_number(app, account)
    log_in(app, page, account)
    open_settings(app, page)
    expect(page.get_by_text("発行手数料", exact=False)).to_be_visible()  # the operator's wording
    paperless = page.get_by_role("checkbox", name="Web明細にする（紙の請求書を郵送しない）")
    expect(paperless).not_to_be_checked()
    accessible(page)
    paperless.click()
    expect(page.get_by_role("status")).to_contain_text("Web明細に切り替えました。")
    expect(paperless).to_be_checked()
    expect(page.get_by_text("からWeb明細をご利用中です。", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    accessible(page)

    done = app.cli("export", "paperless")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "customer_number,name,paperless_since"
    assert any(line.startswith(f"{number},三戸 七郎,") for line in done.stdout.splitlines())
    assert number not in app.cli("export", "paperless", "--since", "2999-01-01").stdout
    bad = app.cli("export", "paperless", "--since", "yesterday")
    assert bad.returncode == 1 and "--since" in bad.stderr

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("checkbox", name="Web明細にする（紙の請求書を郵送しない）")).to_be_checked()
    page.get_by_role("checkbox", name="Web明細にする（紙の請求書を郵送しない）").click()
    expect(page.get_by_role("status")).to_contain_text("紙の請求書の郵送に戻しました。")
    assert number not in app.cli("export", "paperless").stdout


def test_a_bill_import_mails_each_verified_subscriber_once(app, page: Page, mail):
    wants = verified(app, "七戸 八郎")
    opted_out = verified(app, "六戸 九郎")
    pending = new_account(app, status="pending", name="五戸 十郎")

    log_in(app, page, opted_out)
    open_settings(app, page)
    page.get_by_role("checkbox", name="ご請求額確定のお知らせをメールで受け取る").click()
    expect(page.get_by_role("status")).to_contain_text("メールを停止しました。")

    rows = []
    for account in (wants, opted_out, pending):
        number = customer_number(app, account)
        rows.append(
            f"{number},2026-10,T-{number}-202610,2026-11-01,2026-11-27,口座振替,scheduled,ACTテレビ,1,3000,3000,10"
        )
    path = TMP / f"bills-{wants.id}.csv"
    path.write_text("\n".join([HEADER, *rows, ""]), encoding="utf-8")
    done = app.cli("import", "bills", str(path))
    assert done.returncode == 0, done.stderr
    assert "bill mails: 1 sent, 2 without a mail, 0 failed" in done.stdout

    notice = mail.wait_for(wants.email)
    assert "ご請求額確定のお知らせ（2026年10月分）" in notice["Subject"]
    body = notice.get_content()
    assert "¥3,300" in body and "2026年11月27日" in body and app.url + routes.BILLS in body
    assert not notice.is_multipart()
    time.sleep(1)
    assert len(mail.to(wants.email)) == 1
    assert mail.to(opted_out.email) == [] and mail.to(pending.email) == []
    # The same file again: no new bill, no mail.
    again = app.cli("import", "bills", str(path))
    assert again.returncode == 0 and "bill mails" not in again.stdout
    time.sleep(1)
    assert len(mail.to(wants.email)) == 1
