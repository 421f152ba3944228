"""ご請求明細 as a compact month list: each statement's details open on demand, by mouse or keyboard.

(At 375 px with 大きく: test_member.test_bills_fit_a_phone_with_large_text.)
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from mypage import jptime, routes
from mypage.billing import statements
from tests.browser.support import assert_accessible
from tests.browser.test_member import fits_the_width, log_in, open_page, statements_of

TOTAL_ROW = re.compile("ご請求金額（税込）")


def month(page: Page, label: str):
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=label))


def test_only_the_newest_statement_is_open_at_first(app, page: Page):
    log_in(app, page)
    open_page(app, page, routes.BILLS, "ご請求明細")
    latest = statements_of(app)
    expect(page.get_by_role("button", name="明細を見る")).to_have_count(len(latest))
    expect(page.get_by_role("button", name="明細を見る", expanded=True)).to_have_count(1)
    newest, older = month(page, latest[0].label), month(page, latest[1].label)
    expect(newest.get_by_role("button", name="明細を見る")).to_have_attribute("aria-expanded", "true")
    expect(newest.get_by_text(latest[0].invoice_number)).to_be_visible()
    expect(older.get_by_text(statements.yen(latest[1].total), exact=True)).to_be_visible()
    expect(older.get_by_text(jptime.format_date(latest[1].due_on)).first).to_be_visible()  # due (and paid) that day
    expect(older.get_by_role("row", name=TOTAL_ROW)).to_have_count(0)
    expect(older.get_by_text(latest[1].invoice_number)).to_have_count(0)


def test_a_statement_opens_and_closes_by_keyboard(app, any_page: Page):
    page = any_page
    log_in(app, page)
    open_page(app, page, routes.BILLS, "ご請求明細")
    latest = statements_of(app)
    older = month(page, latest[1].label)
    button = older.get_by_role("button", name="明細を見る")
    expect(button).to_have_attribute("aria-expanded", "false")

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(older.get_by_role("row", name=TOTAL_ROW)).to_contain_text(statements.yen(latest[1].total))
    expect(older.get_by_text(latest[1].invoice_number)).to_be_visible()
    controlled = button.get_attribute("aria-controls")
    expect(page.locator(f"#{controlled}").get_by_role("table")).to_have_count(1)
    assert fits_the_width(page)
    assert_accessible(page)

    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(older.get_by_role("row", name=TOTAL_ROW)).to_have_count(0)
    # The newest month stays as it was.
    expect(month(page, latest[0].label).get_by_role("row", name=TOTAL_ROW)).to_have_count(1)
