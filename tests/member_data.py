"""Small builders of member-area data for unit tests and the benchmark (no demo module needed)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from mypage.models import Account, Customer, Invoice, InvoiceLine, Notice, Service, UserSession

UTC = dt.UTC
# A month of the "full" customer: charges at 10 %, a discount, and one reduced-rate (8 %) item.
LINES = (
    ("ケーブルテレビ 基本料金", 1, 4980, 10),
    ("インターネット 1G コース", 1, 5280, 10),
    ("ケーブルプラス電話 基本料金", 1, 1463, 10),
    ("STB レンタル料", 1, 550, 10),
    ("セット割引", 1, -1001, 10),
    ("情報誌（定期購読）", 1, 333, 8),
)


def customer(db: Session, number: str = "1000001", name: str = "青森 太郎") -> Customer:
    row = Customer(
        customer_number=number,
        name=name,
        kana="アオモリ タロウ",
        postal_code="030-0000",
        address="青森県青森市新町1-1-1",
        phone="017-000-0000",
    )
    db.add(row)
    db.commit()
    return row


def account(db: Session, customer_row: Customer, login_id: str | None = None) -> Account:
    login_id = login_id or f"user{customer_row.id}"
    row = Account(
        customer_id=customer_row.id,
        login_id=login_id,
        login_id_folded=login_id.lower(),
        password_hash="x",
        email=f"{login_id}@example.jp",
        status="active",
    )
    db.add(row)
    db.commit()
    return row


def months_back(today: dt.date, count: int) -> list[str]:
    """The periods of the last `count` months before today's, newest first."""
    year, month = today.year, today.month
    periods = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        periods.append(f"{year:04d}-{month:02d}")
    return periods


def invoices(db: Session, customer_row: Customer, count: int, today: dt.date, lines=LINES) -> list[Invoice]:
    """`count` monthly invoices ending last month; the newest unpaid, the others paid."""
    rows = []
    for index, period in enumerate(months_back(today, count)):
        year, month = (int(p) for p in period.split("-"))
        issued = dt.date(year + month // 12, month % 12 + 1, 5)
        invoice = Invoice(
            customer_id=customer_row.id,
            invoice_number=f"INV-{customer_row.id}-{period}",
            period=period,
            issued_on=issued,
            due_on=issued + dt.timedelta(days=22),
            payment_method="口座振替",
            status="unpaid" if index == 0 else "paid",
            paid_on=None if index == 0 else issued + dt.timedelta(days=22),
        )
        db.add(invoice)
        rows.append(invoice)
    db.flush()
    for invoice in rows:
        for position, (text, quantity, price, rate) in enumerate(lines, 1):
            db.add(
                InvoiceLine(
                    invoice_id=invoice.id,
                    position=position,
                    description=text,
                    quantity=quantity,
                    unit_price=price,
                    amount=quantity * price,
                    tax_rate=rate,
                )
            )
    db.commit()
    return rows


def services(db: Session, customer_row: Customer) -> None:
    start = dt.date(2020, 4, 1)
    for kind, plan, fee in (
        ("equipment", "STB（4K対応）", 550),
        ("tv", "ケーブルテレビ スタンダード", 4980),
        ("internet", "インターネット 1G コース", 5280),
        ("option", "見放題パック", 1100),
        ("phone", "ケーブルプラス電話", 1463),
    ):
        db.add(Service(customer_id=customer_row.id, kind=kind, plan=plan, started_on=start, monthly_fee=fee))
    db.add(
        Service(
            customer_id=customer_row.id,
            kind="option",
            plan="解約済みオプション",
            started_on=start,
            ended_on=dt.date(2021, 3, 31),
            monthly_fee=330,
        )
    )
    db.commit()


def notice(
    db: Session, title: str, starts: dt.datetime, ends: dt.datetime | None = None, customer_row: Customer | None = None
) -> Notice:
    row = Notice(
        title=title,
        body=f"{title}の本文です。",
        starts_at=starts,
        ends_at=ends,
        customer_id=customer_row.id if customer_row else None,
    )
    db.add(row)
    db.commit()
    return row


def login_sessions(db: Session, account_row: Account, *times: dt.datetime) -> None:
    for index, moment in enumerate(times):
        db.add(
            UserSession(
                account_id=account_row.id,
                token_hash=f"t{account_row.id}-{index}",
                created_at=moment,
                last_seen_at=moment,
            )
        )
    db.commit()
