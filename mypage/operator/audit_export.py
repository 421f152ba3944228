"""`mypage audit export`: the audit trail, or one customer's part of it, as CSV or JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage import audit, jptime
from mypage.models import Account, AuditEvent, Customer, utcnow
from mypage.operator.support import SupportError
from mypage.security import nfkc

COLUMNS = ("id", "at", "kind", "subject", "account_id", "ip", "detail")
EXPORTED = "audit_exported"
BATCH = 1000


def since_day(value: str) -> dt.datetime | None:
    """The start (in Japan) of a day given as YYYY-MM-DD, in UTC; None for "".

    Raises:
        SupportError: It is not a date.
    """
    value = nfkc(value)
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise SupportError("since", f"must be a date YYYY-MM-DD, not {value!r}") from None
    return jptime.start_of(day)


def _query(db: Session, customer: str, since: dt.datetime | None):
    query = select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)
    number = nfkc(customer)
    if customer:
        found = db.exec(select(Customer).where(Customer.customer_number == number)).first()
        if found is None:
            raise SupportError("customer", f"no customer has the number {number!r}")
        account = db.exec(select(Account).where(Account.customer_id == found.id)).first()
        about = [AuditEvent.subject == number]
        if account is not None:
            about += [AuditEvent.account_id == account.id, AuditEvent.subject == account.login_id_folded]
        query = query.where(sa.or_(*about))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    return query


def _rows(db: Session, query) -> Iterator[dict]:
    for event in db.exec(query.execution_options(yield_per=BATCH)):
        yield {
            "id": event.id,
            "at": event.at.astimezone(dt.UTC).isoformat(),
            "kind": event.kind,
            "subject": event.subject,
            "account_id": event.account_id,
            "ip": event.ip,
            "detail": event.detail,
        }


def export(
    db: Session, staff: str, *, customer: str = "", since: str = "", fmt: str = "csv", now: dt.datetime | None = None
) -> Iterator[str]:
    """The events, oldest first, as chunks of text; the export itself is recorded after them.

    Args:
        db: The session; the caller commits (the export's own audit event).
        staff: Who exports.
        customer: Only events about this customer number (its account and login ID); "" for all.
        since: Only events from this day on (YYYY-MM-DD, Japan); "" for all.
        fmt: "csv" (a header row, then one row per event) or "json" (one array of objects).
        now: The current time.

    Raises:
        SupportError: An unknown customer or a bad date (raised before any text is yielded).
    """
    now = now or utcnow()
    query = _query(db, customer, since_day(since))
    filters = f"customer={nfkc(customer) or '*'}; since={nfkc(since) or '*'}; format={fmt}"
    return _generate(db, query, fmt, staff, filters, now)


def _generate(db: Session, query, fmt: str, staff: str, filters: str, now: dt.datetime) -> Iterator[str]:
    count = 0
    if fmt == "json":
        yield "["
        for count, row in enumerate(_rows(db, query), start=1):
            yield ("\n  " if count == 1 else ",\n  ") + json.dumps(row, ensure_ascii=False)
        yield "\n]\n" if count else "]\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for count, row in enumerate(_rows(db, query), start=1):
            writer.writerow(row)
            if count % BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    audit.record(db, EXPORTED, subject="audit", detail=f"staff={staff}; {filters}; {count} events", now=now)
