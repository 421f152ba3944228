"""`mypage demo --reset`: the demo back as on first load, so a walk through sign-up can start again.

Every row that hangs off the demo customers is deleted (accounts, sessions, tokens, codes,
services, the card on file, their own notices and read marks), and the demo is loaded afresh
by `demo.load`, whose imports are upserts: the three demo customers unregistered, the registered one
with its shipped login, the codes of the README, 24 months of bills and the demo notices.

The rows are found through the tables' foreign keys rather than a hand-kept list, so a
table added later that points at a customer or an account is cleared too. The audit
trail is the exception: the demo's own events (its subjects are the demo customer numbers
and login IDs) are removed, because the lockouts and throttles of the portal count them and
a reset demo must let the same customer try again; any other event pointing at a demo
account keeps its row with the account unset, as when a stale registration is removed. The
reset itself is recorded as a `demo_reset` event.

Issued invoices are kept, as nothing may delete an invoice younger than 7 years (a database
trigger refuses): the demo's bills come back through the import, which matches them by number,
and the customer rows stay, refreshed by the customer import.

Other customers (imported, added by hand) and notices that are not the demo's are left alone.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from mypage import audit, jptime
from mypage.models import Account, AuditEvent, Customer, Invoice, InvoiceLine, Notice, utcnow
from mypage.operator import demo
from mypage.operator.demo import CUSTOMERS, NOTICES, DemoRefused
from mypage.settings import Settings, get_settings

RESET_KIND = "demo_reset"
# Tables whose rows outlive what they point at: the reference is unset instead.
KEPT_TABLES = frozenset({AuditEvent.__tablename__})
# Tables whose rows stay: invoices are kept for 7 years, and the customers they belong to with them.
RETAINED_TABLES = frozenset({Customer.__tablename__, Invoice.__tablename__, InvoiceLine.__tablename__})


def _single_key(table: sa.Table) -> sa.Column | None:
    keys = list(table.primary_key.columns)
    return keys[0] if len(keys) == 1 else None


def _doomed_rows(db: Session, roots: dict[str, set]) -> dict[str, list[tuple[sa.Column, set]]]:
    """For each table, (column, values) conditions of the rows that hang off the roots, parents first."""
    doomed_keys: dict[str, set] = {name: set(keys) for name, keys in roots.items()}
    conditions: dict[str, list[tuple[sa.Column, set]]] = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in KEPT_TABLES:
            continue
        if table.name in roots and table.name not in RETAINED_TABLES:
            key = _single_key(table)
            conditions.setdefault(table.name, []).append((key, set(roots[table.name])))
        if table.name in RETAINED_TABLES:
            continue
        for foreign_key in table.foreign_keys:
            parents = doomed_keys.get(foreign_key.column.table.name)
            if not parents:
                continue
            column = foreign_key.parent
            conditions.setdefault(table.name, []).append((column, set(parents)))
            key = _single_key(table)
            if key is not None:
                found = db.exec(sa.select(key).where(column.in_(parents))).all()
                doomed_keys.setdefault(table.name, set()).update(row[0] for row in found)
    return conditions


def _unset_kept_references(db: Session, account_ids: set[int]) -> None:
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in KEPT_TABLES:
            continue
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == Account.__tablename__ and account_ids:
                column = foreign_key.parent
                db.exec(sa.update(table).where(column.in_(account_ids)).values({column.name: None}))


def reset(db: Session, now: dt.datetime | None = None, settings: Settings | None = None, staff: str = "") -> list[dict]:
    """Delete the demo customers with everything of theirs, then load the demo afresh.

    Args:
        db: The session; the caller commits (all of it or, on an error, nothing).
        now: The moment the fresh demo is dated from; now by default.
        settings: The settings; the process's by default.
        staff: Who asked, for the audit trail.

    Returns:
        The report of `demo.load`: one dict per demo customer, the registered one only with an account.

    Raises:
        DemoRefused: The settings say production.
    """
    settings = settings or get_settings()
    if settings.is_production:
        raise DemoRefused("the demo data is not reset when MYPAGE_ENV=production")
    now = now or utcnow()
    numbers = [spec.customer_number for spec in CUSTOMERS]
    customer_ids = set(db.exec(select(Customer.id).where(Customer.customer_number.in_(numbers))).all())
    accounts = db.exec(select(Account.id, Account.login_id_folded).where(Account.customer_id.in_(customer_ids))).all()
    account_ids = {row[0] for row in accounts}
    subjects = set(numbers) | {row[1] for row in accounts}
    subjects |= {spec.login_id.lower() for spec in CUSTOMERS if spec.login_id}
    demo_notices = set(
        db.exec(
            select(Notice.id).where(Notice.title.in_([title for title, *_ in NOTICES]), Notice.customer_id.is_(None))
        ).all()
    )

    # The demo's own audit events go (the throttles count them); others only lose the account.
    db.exec(
        sa.delete(AuditEvent).where(sa.or_(AuditEvent.subject.in_(subjects), AuditEvent.account_id.in_(account_ids)))
    )
    _unset_kept_references(db, account_ids)
    conditions = _doomed_rows(db, {Customer.__tablename__: customer_ids, Notice.__tablename__: demo_notices})
    for table in reversed(SQLModel.metadata.sorted_tables):
        for column, values in conditions.get(table.name, []):
            if values:
                db.exec(sa.delete(table).where(column.in_(values)))
    demo.restore_bills(
        db,
        {c.customer_number: c for c in db.exec(select(Customer).where(Customer.id.in_(customer_ids)))},
        jptime.today(now),
    )
    db.flush()
    db.expunge_all()
    report = demo.load(db, now, settings)
    audit.record(
        db,
        RESET_KIND,
        subject="demo",
        detail=f"demo reset by {staff or 'cli'}: {len(customer_ids)} customers, {len(account_ids)} accounts",
        now=now,
    )
    return report
