"""Web明細 (no paper statements) and ご請求額確定のお知らせ: the subscriber's choices, audited.

Web明細 belongs to the customer (the billing system stops printing their paper bill; it
reads the list with `mypage export paperless`); the bill mail belongs to the account.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

from sqlmodel import Session, select

from mypage import audit
from mypage.jptime import JST
from mypage.models import Account, Customer, utcnow

PAPERLESS_ON = "paperless_on"
PAPERLESS_OFF = "paperless_off"
BILL_MAIL_ON = "bill_mail_on"
BILL_MAIL_OFF = "bill_mail_off"


@dataclasses.dataclass(frozen=True)
class Preferences:
    """What the settings page shows."""

    paperless: bool
    paperless_since: dt.datetime | None
    bill_mail: bool


def _rows(db: Session, account_id: int) -> tuple[Account, Customer]:
    return db.exec(
        select(Account, Customer).join(Customer, Customer.id == Account.customer_id).where(Account.id == account_id)
    ).one()


def preferences(db: Session, account_id: int) -> Preferences:
    """The account's current choices."""
    account, customer = _rows(db, account_id)
    return Preferences(customer.paperless_since is not None, customer.paperless_since, account.bill_mail)


def set_paperless(
    db: Session, account_id: int, on: bool, *, ip: str = "", now: dt.datetime | None = None
) -> Preferences:
    """Turn Web明細 on (from now) or off; a change is audited, the same choice again changes nothing."""
    account, customer = _rows(db, account_id)
    if on != (customer.paperless_since is not None):
        customer.paperless_since = (now or utcnow()) if on else None
        db.add(customer)
        audit.record(
            db,
            PAPERLESS_ON if on else PAPERLESS_OFF,
            subject=customer.customer_number,
            account_id=account.id,
            ip=ip,
            now=now,
        )
        db.commit()
    return preferences(db, account_id)


def set_bill_mail(
    db: Session, account_id: int, on: bool, *, ip: str = "", now: dt.datetime | None = None
) -> Preferences:
    """Turn ご請求額確定のお知らせ on or off; a change is audited."""
    account, _ = _rows(db, account_id)
    if on != account.bill_mail:
        account.bill_mail = on
        db.add(account)
        audit.record(db, BILL_MAIL_ON if on else BILL_MAIL_OFF, account_id=account.id, ip=ip, now=now)
        db.commit()
    return preferences(db, account_id)


def paperless_customers(db: Session, since: dt.datetime | None = None) -> list[Customer]:
    """The customers who chose Web明細 (at or after `since`), by customer number."""
    query = select(Customer).where(Customer.paperless_since.is_not(None))
    if since is not None:
        query = query.where(Customer.paperless_since >= since)
    return list(db.exec(query.order_by(Customer.customer_number)))


def paperless_csv(customers: list[Customer]) -> str:
    """The list for the billing system: customer_number, name, paperless_since (Japan time, ISO 8601)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["customer_number", "name", "paperless_since"])
    for customer in customers:
        since = customer.paperless_since
        if since.tzinfo is None:  # SQLite hands back naive UTC
            since = since.replace(tzinfo=dt.UTC)
        writer.writerow([customer.customer_number, customer.name, since.astimezone(JST).isoformat(timespec="seconds")])
    return out.getvalue()
