"""ご請求額確定のお知らせ: a mail to each subscriber whose new bill an import has brought.

`mypage import bills` marks the invoices it creates `mail_pending` in the same transaction as
the bills; after the commit `send_pending` mails them in batches. The mail goes only to an
active account with a verified address that has not turned the mail off; it says the month,
the amount, the due date and where to look (never another customer's amount, never an
attachment). A mail that cannot be sent leaves its invoice pending and is reported, so that
the next import (or the same one run again) sends it; nothing is lost.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from sqlmodel import Session, select

from mypage import audit, jptime, mail, routes
from mypage.billing import statements
from mypage.models import Account, Customer, Invoice, utcnow
from mypage.settings import get_settings

BATCH = 100
SENT = "bill_mail_sent"
FAILED = "bill_mail_failed"


@dataclasses.dataclass(frozen=True)
class Failure:
    """A bill mail that could not be sent."""

    customer_number: str
    invoice_number: str
    error: str

    def __str__(self) -> str:
        return f"customer {self.customer_number}, invoice {self.invoice_number}: mail not sent ({self.error})"


@dataclasses.dataclass
class Report:
    """What `send_pending` did: mails sent, new bills without a mail (no verified address, or turned off), failures."""

    sent: int = 0
    skipped: int = 0
    failed: list[Failure] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict:
        """The report for --json."""
        return {"sent": self.sent, "skipped": self.skipped, "failed": [dataclasses.asdict(f) for f in self.failed]}


def bill_mail(to: str, item: statements.Statement) -> mail.Mail:
    """The mail about one new bill: its month, amount and due date, and the portal's address."""
    settings = get_settings()
    body = (
        f"{item.label}のご請求額が確定しましたので、お知らせいたします。\n\n"
        f"ご請求月: {item.label}\n"
        f"ご請求金額: {statements.yen(item.total)}（税込）\n"
        f"お支払期限: {jptime.format_date(item.due_on)}\n"
        f"お支払方法: {item.payment_method}\n\n"
        "明細と請求書（インボイス）は、マイページの「ご請求明細」でご覧いただけます。\n"
        f"{settings.base_url}{routes.BILLS}\n\n"
        "このお知らせが不要な場合は、マイページの「Web明細・お知らせ設定」で停止できます。"
    )
    return mail.Mail(to, f"【{settings.branding.portal_name}】ご請求額確定のお知らせ（{item.label}）", body)


def _recipient(account: Account | None) -> str | None:
    """The address a bill mail goes to: an active, verified account that wants it."""
    if account is None or account.status != "active" or account.verified_at is None or not account.bill_mail:
        return None
    return account.email or None


def send_pending(
    session_factory: Callable[[], Session],
    *,
    batch: int = BATCH,
    send: Callable[[str, str, str], object] = mail.send,
    now: dt.datetime | None = None,
) -> Report:
    """Mail every pending new bill, a batch at a time, each batch committed after its mails.

    Args:
        session_factory: Opens a database session (one per batch).
        batch: Invoices per batch.
        send: Sends one mail (to, subject, body); raises mail.MailError on failure.
        now: The current time.

    Returns:
        How many were sent and skipped, and the failures (still pending).
    """
    now = now or utcnow()
    today = jptime.today(now)
    report = Report()
    after = 0
    while True:
        with session_factory() as db:
            rows = db.exec(
                select(Invoice, Customer, Account)
                .join(Customer, Customer.id == Invoice.customer_id)
                .join(Account, Account.customer_id == Customer.id, isouter=True)
                .where(Invoice.mail_pending, Invoice.id > after)
                .order_by(Invoice.id)
                .limit(batch)
            ).all()
            if not rows:
                return report
            after = rows[-1][0].id
            items = {s.id: s for s in statements._with_lines(db, [row[0] for row in rows], today)}
            for invoice, customer, account in rows:
                to = _recipient(account)
                if to is not None:
                    message = bill_mail(to, items[invoice.id])
                    try:
                        send(message.to, message.subject, message.body)
                    except mail.MailError as error:
                        report.failed.append(Failure(customer.customer_number, invoice.invoice_number, str(error)))
                        audit.record(db, FAILED, account_id=account.id, now=now, detail=invoice.invoice_number)
                        continue
                    report.sent += 1
                    audit.record(db, SENT, account_id=account.id, now=now, detail=invoice.invoice_number)
                else:
                    report.skipped += 1
                invoice.mail_pending = False
                db.add(invoice)
            db.commit()
