"""領収書: a PDF per paid bill, for its owner only; an unpaid bill has none."""

import dataclasses
import datetime as dt
import io

import pypdf
import pytest

from mypage import jptime
from mypage.billing import receipts, statements
from mypage.web import downloads
from tests import member_data as md

TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def world(dbs, download_client):
    alice, bob = md.customer(dbs, "1"), md.customer(dbs, "2", "弘前 花子")
    alice_account, bob_account = md.account(dbs, alice), md.account(dbs, bob)
    unpaid, paid = md.invoices(dbs, alice, 2, TODAY)[:2]
    return download_client, alice_account.id, bob_account.id, unpaid, paid


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_owner_downloads_the_receipt_of_a_paid_bill(world, dbs):
    client, alice, _, _, paid = world
    response = client.get(downloads.receipt_pdf_url(paid.id), headers={"x-account": str(alice)})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert f'filename="receipt-{paid.invoice_number}.pdf"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    item = statements.statement(dbs, paid.customer_id, paid.id, TODAY)
    text = text_of(response.content)
    for expected in (
        "領収書",
        f"R-{paid.invoice_number}",
        "青森 太郎 様",
        statements.yen(item.total),
        jptime.format_date(item.paid_on),
        "上記正に領収いたしました",
        f"{item.label}ご利用料金として",
        "口座振替",
        "登録番号",
    ):
        assert expected in text, expected
    assert receipts.CARD not in text  # paid by bank transfer


def test_no_receipt_for_an_unpaid_bill_or_for_someone_else(world):
    client, alice, bob, unpaid, paid = world
    missing = client.get(downloads.receipt_pdf_url(999_999), headers={"x-account": str(alice)})
    for url, who in ((unpaid.id, alice), (paid.id, bob)):
        response = client.get(downloads.receipt_pdf_url(url), headers={"x-account": str(who)})
        assert response.status_code == 404 and response.content == missing.content
    assert client.get(downloads.receipt_pdf_url(paid.id)).status_code == 303


def test_a_card_payment_says_so(world, dbs):
    _, _, _, _, paid = world
    item = statements.statement(dbs, paid.customer_id, paid.id, TODAY)
    by_card = dataclasses.replace(item, paid_method="クレジットカード（VISA •••• 4242）")
    text = text_of(receipts.receipt_pdf(by_card, "青森 太郎 様"))
    assert receipts.CARD in text and "VISA" in text
    assert receipts.receipt_pdf(by_card, "x") == receipts.receipt_pdf(by_card, "x")  # deterministic


def test_an_unpaid_bill_has_no_receipt(world, dbs):
    _, _, _, unpaid, _ = world
    with pytest.raises(ValueError):
        receipts.receipt_pdf(statements.statement(dbs, unpaid.customer_id, unpaid.id, TODAY), "x")
