"""お支払い: an unpaid bill paid once, by card, on the payment gateway's own page.

1. `start_payment`: the bill must be the customer's and payable. The amount (its total,
   computed here) and the order (its invoice number) are the portal's: they are signed into
   the gateway's URL, so the browser cannot change them. A one-time nonce is recorded in the
   audit trail (`bill_pay_checkout`, subject its hash, detail the invoice's id).
2. The gateway charges the card at most once per order and sends the browser back with a token.
3. `finish_payment`: the nonce is accepted once, for the same account; the token is exchanged
   server to server; the charge must be for this nonce, this order and this amount. Then the bill
   is paid: a `Payment` row (unique per invoice and per charge, so neither a replayed return nor
   a race pays twice), the invoice's status, date and method, an audit event, and a mail that is
   sent after the commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging

import sqlalchemy as sa
from sqlmodel import Session

from mypage import audit, jptime, mail, routes
from mypage.billing import hosted_page, statements
from mypage.billing.payments import Gateway, GatewayError, masked
from mypage.models import Account, Invoice, Payment, utcnow
from mypage.settings import get_settings

log = logging.getLogger(__name__)

CHECKOUT = "bill_pay_checkout"
RETURNED = "bill_pay_return"
PAID = "bill_paid"
FAILED = "bill_pay_failed"
INVOICE = "invoice:"  # the checkout event's detail: the bill the nonce is for


class Outcome(enum.StrEnum):
    """How a return from the gateway's payment page ended."""

    PAID = "paid"
    ALREADY_PAID = "already_paid"
    CANCELLED = "cancelled"
    INVALID = "invalid"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class PayResult:
    """The outcome, the bill it was about, and the mail to send once committed."""

    outcome: Outcome
    invoice_id: int | None = None
    mails: tuple[mail.Mail, ...] = ()


def card_method(brand: str, last4: str) -> str:
    """お支払方法 of a bill paid online: クレジットカード（VISA •••• 4242）."""
    return f"クレジットカード（{brand} {masked(last4)}）"


def start_payment(
    db: Session,
    gw: Gateway,
    account_id: int,
    customer_id: int,
    invoice_id: int,
    return_url: str,
    *,
    ip: str = "",
    now: dt.datetime | None = None,
) -> str | None:
    """The gateway's payment page for one of the customer's payable bills; None for any other bill.

    Args:
        db: The database session; the nonce is committed by the caller.
        gw: The gateway's adapter.
        account_id: The logged-in account.
        customer_id: Its customer: only their own bill can be paid.
        invoice_id: The bill, as the browser names it.
        return_url: Where the gateway sends the subscriber back.
        ip: The client's address, for the audit trail.
        now: The current time.

    Returns:
        The gateway page's URL, with the amount and order fixed and signed.
    """
    now = now or utcnow()
    item = statements.statement(db, customer_id, invoice_id, jptime.today(now))
    if item is None or not item.payable:
        return None
    nonce = hosted_page.issue_nonce(db, CHECKOUT, account_id, ip=ip, now=now, detail=f"{INVOICE}{item.id}")
    return gw.charge_url(return_url, nonce, item.total, item.invoice_number)


def _redeem(db: Session, account_id: int, nonce: str, ip: str, now: dt.datetime) -> int | None:
    """The invoice a live, unused nonce of this account was issued for; marks it used."""
    issued = hosted_page.redeem_nonce(db, CHECKOUT, RETURNED, account_id, nonce, ip=ip, now=now, detail_prefix=INVOICE)
    return int(issued.detail.removeprefix(INVOICE)) if issued is not None else None


def receipt_mail(account: Account, item: statements.Statement, method: str, paid_on: dt.date) -> mail.Mail:
    """The mail telling the subscriber their payment was received; no card number, no attachment."""
    settings = get_settings()
    body = (
        "マイページでのお支払いを受け付けました。ありがとうございました。\n\n"
        f"対象: {item.label}のご請求\n"
        f"請求書番号: {item.invoice_number}\n"
        f"お支払い金額: {statements.yen(item.total)}（税込）\n"
        f"お支払日: {jptime.format_date(paid_on)}\n"
        f"お支払方法: {method}\n\n"
        "領収書は、マイページの「ご請求明細」からダウンロードできます。\n"
        f"{settings.base_url}{routes.BILLS}\n\n"
        "このお支払いにお心当たりのない場合は、お手数ですが下記の窓口までご連絡ください。"
    )
    return mail.Mail(account.email, f"【{settings.branding.portal_name}】お支払いを受け付けました", body)


def finish_payment(
    db: Session,
    gw: Gateway,
    account: Account,
    *,
    state: str,
    token: str = "",
    result: str = "",
    ip: str = "",
    now: dt.datetime | None = None,
) -> PayResult:
    """The return from the gateway for the logged-in account: check the nonce, the charge, then mark the bill paid."""
    now = now or utcnow()
    invoice_id = _redeem(db, account.id, state, ip, now)
    db.commit()
    if invoice_id is None:
        return PayResult(Outcome.INVALID)
    today = jptime.today(now)
    item = statements.statement(db, account.customer_id, invoice_id, today)
    if item is None:
        return PayResult(Outcome.INVALID)
    if item.status == "paid":
        return PayResult(Outcome.ALREADY_PAID, invoice_id)
    if result == "cancel" or not token:
        return PayResult(Outcome.FAILED if result == "duplicate" else Outcome.CANCELLED, invoice_id)

    def refuse(outcome: Outcome, detail: str) -> PayResult:
        audit.record(db, FAILED, account_id=account.id, ip=ip, now=now, detail=f"{item.invoice_number}: {detail}")
        db.commit()
        return PayResult(outcome, invoice_id)

    try:
        charge = gw.charge_result(token)
    except GatewayError as error:
        log.warning("payment of %s for account %s failed: %s", item.invoice_number, account.id, error)
        return refuse(Outcome.FAILED, str(error))
    if charge.state != state or charge.order_id != item.invoice_number or charge.amount != item.total:
        return refuse(Outcome.INVALID, f"charge {charge.charge_id} does not match the bill")
    method = card_method(charge.brand, charge.last4)
    db.add(
        Payment(
            invoice_id=item.id,
            customer_id=account.customer_id,
            account_id=account.id,
            amount=charge.amount,
            method=method,
            charge_id=charge.charge_id,
            paid_at=now,
        )
    )
    try:
        db.flush()
    except sa.exc.IntegrityError:
        db.rollback()
        return PayResult(Outcome.ALREADY_PAID, invoice_id)
    db.exec(sa.update(Invoice).where(Invoice.id == item.id).values(status="paid", paid_on=today, paid_method=method))
    audit.record(
        db, PAID, account_id=account.id, ip=ip, now=now, detail=f"{item.invoice_number} {charge.amount} {method}"
    )
    db.commit()
    return PayResult(Outcome.PAID, invoice_id, (receipt_mail(account, item, method, today),))
