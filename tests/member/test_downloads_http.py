"""The download routes: the owner gets the file, anyone else the same 404 as a missing id."""

import datetime as dt
import io

import pypdf
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mypage import db
from mypage.billing import statements
from mypage.web import downloads
from tests import member_data as md

TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def world(dbs, database_url, monkeypatch):
    monkeypatch.setattr(db, "engine", lambda: db.engine_for(database_url))
    alice, bob = md.customer(dbs, "1"), md.customer(dbs, "2", "弘前 花子")
    alice_account, bob_account = md.account(dbs, alice), md.account(dbs, bob)
    invoice = md.invoices(dbs, alice, 2, TODAY)[0]
    # The test stands in for the session cookie with a header naming the account.
    app = Starlette(
        routes=downloads.download_routes(
            lambda request: int(request.headers["x-account"]) if "x-account" in request.headers else None
        )
    )
    return TestClient(app, follow_redirects=False), alice_account.id, bob_account.id, invoice


def test_owner_downloads_the_pdf(world):
    client, alice, _, invoice = world
    response = client.get(downloads.invoice_pdf_url(invoice.id), headers={"x-account": str(alice)})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert f'filename="invoice-{invoice.invoice_number}.pdf"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "青森 太郎 様" in text and invoice.invoice_number in text


def test_owner_downloads_the_csv(world):
    client, alice, _, invoice = world
    response = client.get(downloads.statement_csv_url(invoice.id), headers={"x-account": str(alice)})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert response.headers["content-type"].startswith("text/csv")
    assert "ご請求金額(税込)" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("url", [downloads.invoice_pdf_url, downloads.statement_csv_url])
def test_another_customers_invoice_is_not_found(world, url):
    client, alice, bob, invoice = world
    theirs = client.get(url(invoice.id), headers={"x-account": str(bob)})
    missing = client.get(url(999_999), headers={"x-account": str(bob)})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert client.get(url(invoice.id) + "x", headers={"x-account": str(alice)}).status_code == 404
    assert client.get(url(invoice.id), headers={"x-account": "424242"}).status_code == 404


def test_without_a_session_the_subscriber_is_sent_to_login(world):
    client, _, _, invoice = world
    response = client.get(downloads.invoice_pdf_url(invoice.id))
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_the_pdf_agrees_with_the_statement(world, dbs):
    client, alice, _, invoice = world
    item = statements.statement(dbs, invoice.customer_id, invoice.id, TODAY)
    pdf = client.get(downloads.invoice_pdf_url(invoice.id), headers={"x-account": str(alice)}).content
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert statements.yen(item.total) in text and statements.yen(item.tax) in text


def test_the_portal_routes_read_the_session_cookie(world, dbs):
    from mypage.accounts import sessions
    from mypage.web import http

    _, alice, bob, invoice = world
    client = TestClient(Starlette(routes=http.ROUTES), follow_redirects=False)
    url = downloads.invoice_pdf_url(invoice.id)
    tokens = {who: sessions.start(dbs, who) for who in (alice, bob)}
    dbs.commit()
    cookie = sessions.cookie_name()
    assert client.get(url, headers={"cookie": f"{cookie}={tokens[alice]}"}).status_code == 200
    assert client.get(url, headers={"cookie": f"{cookie}={tokens[bob]}"}).status_code == 404
    assert client.get(url, headers={"cookie": f"{cookie}=forged"}).status_code == 303
    sessions.revoke(dbs, tokens[alice])
    dbs.commit()
    assert client.get(url, headers={"cookie": f"{cookie}={tokens[alice]}"}).status_code == 303
