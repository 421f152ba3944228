"""The statement CSV and the qualified-invoice PDF as plain HTTP downloads.

A download is a file, not a page, so it is served by a Starlette route beside the
websocket. Each request finds its account from the session cookie, then asks for
the invoice with the owner in the query: someone else's invoice, whatever the id,
is the same 404 as one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from mypage import db, jptime, routes
from mypage.accounts import sessions
from mypage.billing import invoices, receipts, statements, yearzip
from mypage.models import Account, Customer

AccountOf = Callable[[Request], "int | None"]
PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _attachment(body: bytes, media_type: str, filename: str) -> Response:
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=media_type, headers=headers)


def _not_found() -> Response:
    return PlainTextResponse("ご指定の明細は見つかりません。", status_code=404, headers=PRIVATE)


def _customer(session, account_id: int) -> Customer | None:
    return session.exec(
        select(Customer).join(Account, Account.customer_id == Customer.id).where(Account.id == account_id)
    ).first()


def _statement(account_id: int, invoice_id: int) -> tuple[statements.Statement, statements.Addressee] | None:
    """The invoice and its addressee, only when the account's customer owns it."""
    with db.session() as session:
        row = _customer(session, account_id)
        if row is None:
            return None
        item = statements.statement(session, row.id, invoice_id, jptime.today(dt.datetime.now(dt.UTC)))
        return (item, statements.addressee_of(row)) if item else None


def _year(account_id: int, year: int) -> tuple[list[statements.Statement], statements.Addressee] | None:
    """The account's customer's statements of one year and their addressee; None when there are none."""
    with db.session() as session:
        row = _customer(session, account_id)
        if row is None:
            return None
        today = jptime.today(dt.datetime.now(dt.UTC))
        items = statements.statements(session, row.id, today, year=year, limit=None)
        return (items, statements.addressee_of(row)) if items else None


def session_account_id(request: Request) -> int | None:
    """The account of the request's session cookie, if the session is live; a download is activity."""
    token = sessions.token_from_cookie_header(request.headers.get("cookie", ""))
    with db.session() as session:
        row = sessions.resolve(session, token)
        return row.account_id if row is not None else None


def download_routes(account_of: AccountOf) -> list[Route]:
    """The download routes: invoice PDF, statement CSV, receipt PDF.

    Args:
        account_of: Gives the logged-in account's id from a request's session cookie, or None.

    Returns:
        Starlette routes to add to the portal's HTTP app.
    """

    def _serve(request: Request, render: Callable[[statements.Statement, statements.Addressee], Response]) -> Response:
        account_id = account_of(request)
        if account_id is None:
            return RedirectResponse(routes.LOGIN, status_code=303, headers=PRIVATE)
        found = _statement(account_id, request.path_params["invoice_id"])
        return render(*found) if found else _not_found()

    def invoice_pdf(request: Request) -> Response:
        return _serve(
            request,
            lambda item, name: _attachment(
                invoices.invoice_pdf(item, name), "application/pdf", invoices.pdf_filename(item)
            ),
        )

    def statement_csv(request: Request) -> Response:
        return _serve(
            request,
            lambda item, name: _attachment(
                statements.statement_csv(item, name), "text/csv; charset=utf-8", statements.csv_filename(item)
            ),
        )

    def receipt_pdf(request: Request) -> Response:
        return _serve(
            request,
            lambda item, name: (
                _attachment(receipts.receipt_pdf(item, name), "application/pdf", receipts.pdf_filename(item))
                if item.status == "paid" and item.paid_on
                else _not_found()
            ),
        )

    def year_zip(request: Request) -> Response:
        account_id = account_of(request)
        if account_id is None:
            return RedirectResponse(routes.LOGIN, status_code=303, headers=PRIVATE)
        year = request.path_params["year"]
        found = _year(account_id, year) if 2000 <= year <= 9999 else None
        if found is None:
            return _not_found()
        headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{yearzip.zip_filename(year)}"'}
        return StreamingResponse(yearzip.year_zip(*found), media_type="application/zip", headers=headers)

    return [
        Route(routes.YEAR_ZIP + "/{year:int}", year_zip, methods=["GET"]),
        Route(routes.RECEIPT_PDF + "/{invoice_id:int}", receipt_pdf, methods=["GET"]),
        Route(routes.INVOICE_PDF + "/{invoice_id:int}", invoice_pdf, methods=["GET"]),
        Route(routes.STATEMENT_CSV + "/{invoice_id:int}", statement_csv, methods=["GET"]),
    ]


def invoice_pdf_url(invoice_id: int) -> str:
    """Where a statement's PDF is downloaded."""
    return f"{routes.INVOICE_PDF}/{invoice_id}"


def statement_csv_url(invoice_id: int) -> str:
    """Where a statement's CSV is downloaded."""
    return f"{routes.STATEMENT_CSV}/{invoice_id}"


def receipt_pdf_url(invoice_id: int) -> str:
    """Where a paid bill's 領収書 is downloaded."""
    return f"{routes.RECEIPT_PDF}/{invoice_id}"


def year_zip_url(year: int | str) -> str:
    """Where one year's invoices and receipts are downloaded as a ZIP."""
    return f"{routes.YEAR_ZIP}/{year}"
