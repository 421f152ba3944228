"""The demo data that `mypage demo` loads: four customers, their contracts, 24 months of bills, notices.

The codes and the login are fixed so that the product team, the README and the
tests can rely on them (all codes use security.CODE_ALPHABET):

| kind       | お客様番号  | 認証コード      | お名前      | ログインID / パスワード   |
|------------|------------|----------------|------------|--------------------------|
| full       | 1000000001 | Ab3D-eF4g-H5jK | 青森 太郎   | (not registered)         |
| internet   | 1000000002 | Nq7R-sT8u-V9wX | 弘前 健一   | (not registered)         |
| nobills    | 1000000003 | Yz2a-Bc3d-Ef4G | 三沢 美咲   | (not registered)         |
| registered | 1000000004 | Hj5K-mN6p-Qr7S | 十和田 花子 | hanako01 / Hakkoda8Ringo |

- full: TV + internet + phone, two options (BSパック; スターチャンネル since 8 months
  ago), a mineral water delivery at the reduced 8 % rate, rented STB and modem,
  a set discount; pays by 口座振替, so its newest bill is "scheduled".
- internet: internet only with a rented modem; pays by クレジットカード (card on file),
  newest bill "unpaid".
- nobills: a TV contract that started on the 1st of the month of the first load, so no
  bill yet; it is never billed, so that it stays the customer without bills.
- registered: TV + internet with an active account; pays by クレジットカード.

Dates are relative to today in Japan, so the data stays fresh, and deterministic for a
given day. Customers, services and bills go through the operator's CSV imports (as a
billing system's files would), so the demo exercises the same code. Loading is
idempotent: rows are found by their natural keys (customer number, service name,
invoice period, code hash, notice title) and only missing bills are added.
Two things follow the calendar on a later day: a bill that is no longer the newest is
marked paid (as the bank transfer or card charge would), and the demo notices' windows
move with today, so one stays expired and one stays in the future.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage import jptime
from mypage.models import (
    Account,
    AuthCode,
    Customer,
    Invoice,
    Notice,
    PaymentMethod,
    Service,
    utcnow,
)
from mypage.operator import importer
from mypage.operator.csvfile import to_csv
from mypage.operator.customers import store_auth_code
from mypage.operator.service_import import SERVICE_COLUMNS, import_services
from mypage.security import CODE_ALPHABET, format_auth_code, hash_password, hash_token
from mypage.settings import Settings, get_settings

MONTHS_OF_BILLS = 24
DUE_DAY = 27
BANK = "口座振替"
CARD = "クレジットカード"


class DemoRefused(RuntimeError):
    """The demo data must not be loaded here (a production database)."""


@dataclasses.dataclass(frozen=True)
class DemoService:
    """A contracted service; `months_ago` starts it on the 1st of a month relative to today."""

    kind: str
    plan: str
    monthly_fee: int
    started_on: dt.date | None = None
    months_ago: int = 0
    tax_rate: int = 10


@dataclasses.dataclass(frozen=True)
class DemoCustomer:
    """One demo customer with everything the portal shows for them."""

    kind: str
    customer_number: str
    auth_code: str
    name: str
    kana: str
    email: str
    postal_code: str
    address: str
    phone: str
    payment_method: str
    services: tuple[DemoService, ...]
    discounts: tuple[tuple[str, int], ...] = ()
    calls: bool = False
    bills: bool = True
    card: tuple[str, str] | None = None
    login_id: str | None = None
    password: str | None = None


CUSTOMERS = (
    DemoCustomer(
        kind="full",
        customer_number="1000000001",
        auth_code="Ab3DeF4gH5jK",
        name="青森 太郎",
        kana="アオモリ タロウ",
        email="taro@example.jp",
        postal_code="030-0801",
        address="青森県青森市新町1-2-3",
        phone="017-723-0001",
        payment_method=BANK,
        services=(
            DemoService("tv", "ACTテレビ スタンダードコース", 4500, dt.date(2016, 4, 1)),
            DemoService("internet", "ACTネット 1Gコース", 4800, dt.date(2016, 4, 1)),
            DemoService("phone", "ACTケーブルフォン", 1330, dt.date(2018, 10, 1)),
            DemoService("option", "BSパック", 1000, dt.date(2019, 7, 1)),
            DemoService("option", "スターチャンネル", 2300, months_ago=8),
            # Food and drink are taxed at the reduced 8 % rate in Japan.
            DemoService("option", "ミネラルウォーター定期便(12L×2本)", 1600, dt.date(2021, 5, 1), tax_rate=8),
            DemoService("equipment", "STBレンタル(4K対応)", 500, dt.date(2016, 4, 1)),
            DemoService("equipment", "モデムレンタル", 300, dt.date(2016, 4, 1)),
        ),
        discounts=(("セット割引(テレビ・ネット・電話)", -1500),),
        calls=True,
    ),
    DemoCustomer(
        kind="internet",
        customer_number="1000000002",
        auth_code="Nq7RsT8uV9wX",
        name="弘前 健一",
        kana="ヒロサキ ケンイチ",
        email="kenichi@example.jp",
        postal_code="036-8182",
        address="青森県弘前市土手町4-5-6",
        phone="0172-33-0002",
        payment_method=CARD,
        services=(
            DemoService("internet", "ACTネット 320Mコース", 4300, dt.date(2020, 9, 1)),
            DemoService("equipment", "モデムレンタル", 300, dt.date(2020, 9, 1)),
        ),
        card=("VISA", "4242"),
    ),
    DemoCustomer(
        kind="nobills",
        customer_number="1000000003",
        auth_code="Yz2aBc3dEf4G",
        name="三沢 美咲",
        kana="ミサワ ミサキ",
        email="misaki@example.jp",
        postal_code="033-0001",
        address="青森県三沢市中央町7-8-9",
        phone="0176-53-0003",
        payment_method=BANK,
        services=(
            DemoService("tv", "ACTテレビ ベーシックコース", 3000, months_ago=0),
            DemoService("equipment", "STBレンタル", 400, months_ago=0),
        ),
        bills=False,
    ),
    DemoCustomer(
        kind="registered",
        customer_number="1000000004",
        auth_code="Hj5KmN6pQr7S",
        name="十和田 花子",
        kana="トワダ ハナコ",
        email="hanako@example.jp",
        postal_code="034-0011",
        address="青森県十和田市稲生町10-11",
        phone="0176-23-0004",
        payment_method=CARD,
        services=(
            DemoService("tv", "ACTテレビ ベーシックコース", 3000, dt.date(2021, 10, 1)),
            DemoService("internet", "ACTネット 1Gコース", 4800, dt.date(2021, 10, 1)),
            DemoService("equipment", "STBレンタル", 400, dt.date(2021, 10, 1)),
            DemoService("equipment", "モデムレンタル", 300, dt.date(2021, 10, 1)),
        ),
        discounts=(("セット割引(テレビ・ネット)", -1000),),
        card=("Mastercard", "4444"),
        login_id="hanako01",
        password="Hakkoda8Ringo",
    ),
)

# (title, body, customer kind or None for everyone, first day offset, last day offset or None)
NOTICES = (
    (
        "マイページをリニューアルしました",
        "いつも青森ケーブルテレビをご利用いただき、ありがとうございます。\n"
        "マイページをリニューアルし、ご請求明細やインボイス（適格請求書）をいつでもご確認いただけるようになりました。",
        None,
        -14,
        None,
    ),
    (
        "夜間ネットワークメンテナンスのお知らせ",
        "ネットワーク設備のメンテナンスのため、深夜2:00〜5:00の間、インターネットが数分間つながりにくくなります。",
        None,
        -45,
        -30,
    ),
    (
        "マイページ休止のお知らせ",
        "システムメンテナンスのため、マイページを一時休止いたします。日時は決まりしだいお知らせします。",
        None,
        7,
        None,
    ),
    (
        "STB無料交換のご案内",
        "ご利用中のSTB（セットトップボックス）を新しい機種へ無料で交換いたします。"
        "ご希望の日時を窓口までお電話でお知らせください。",
        "full",
        -3,
        None,
    ),
)

for _customer in CUSTOMERS:
    assert len(_customer.auth_code) == 12 and set(_customer.auth_code) <= set(CODE_ALPHABET)


def _month(day: dt.date, offset: int) -> dt.date:
    """The 1st of the month `offset` months from the month of `day`."""
    index = day.year * 12 + day.month - 1 + offset
    return dt.date(index // 12, index % 12 + 1, 1)


def _jst_midnight(day: dt.date) -> dt.datetime:
    return jptime.start_of(day)


def load(db: Session, now: dt.datetime | None = None, settings: Settings | None = None) -> list[dict]:
    """Add whatever demo data is missing and report the demo customers.

    Args:
        db: The session; the caller commits.
        now: The moment that "today" is taken from; now by default.
        settings: The settings; the process's by default.

    Returns:
        One dict per demo customer: customer_number, auth_code (four-four-four characters, e.g. Ab3D-eF4g-H5jK), name,
        has_account, kind, and for the registered one login_id and password.

    Raises:
        DemoRefused: The settings say production.
    """
    settings = settings or get_settings()
    if settings.is_production:
        raise DemoRefused("the demo data is not loaded when MYPAGE_ENV=production")
    now = now or utcnow()
    today = jptime.today(now)
    customers = _import_customers(db, now)
    services = _import_services(db, customers, today)
    _import_bills(db, customers, services, today, settings)
    report = []
    for spec in CUSTOMERS:
        customer = customers[spec.customer_number]
        _auth_code(db, customer, spec, now)
        if spec.bills:
            _mark_paid(db, customer, today)
        if spec.card:
            _card(db, customer, spec, now)
        if spec.login_id:
            _account(db, customer, spec, now, settings)
        report.append(_report(db, customer, spec))
    _notices(db, {c.kind: c.customer_number for c in CUSTOMERS}, today, now)
    db.flush()
    return report


def _one(db: Session, statement):
    return db.exec(statement).first()


def _import_customers(db: Session, now: dt.datetime) -> dict[str, Customer]:
    columns = ("customer_number", "name", "kana", "email", "postal_code", "address", "phone")
    rows = [tuple(getattr(c, name) for name in columns) for c in CUSTOMERS]
    importer.import_customers(db, to_csv(columns, rows), now)
    numbers = [c.customer_number for c in CUSTOMERS]
    return {c.customer_number: c for c in db.exec(select(Customer).where(Customer.customer_number.in_(numbers)))}


def _auth_code(db: Session, customer: Customer, spec: DemoCustomer, now: dt.datetime) -> None:
    found = _one(
        db,
        select(AuthCode).where(AuthCode.customer_id == customer.id, AuthCode.code_hash == hash_token(spec.auth_code)),
    )
    if found is None:
        # Demo codes never expire, and they leave codes issued since in place.
        store_auth_code(db, customer, spec.auth_code, now, expires_at=None, revoke_previous=False)


def _import_services(db: Session, customers: dict[str, Customer], today: dt.date) -> dict[str, list[Service]]:
    """The demo's services through the services import; a start "months ago" stays as first loaded."""
    ids = {customers[c.customer_number].id: c.customer_number for c in CUSTOMERS}
    stored = {
        (ids[s.customer_id], s.name): s.started_on
        for s in db.exec(select(Service).where(Service.customer_id.in_(list(ids))))
    }
    rows = []
    for spec in CUSTOMERS:
        for service in spec.services:
            started_on = stored.get((spec.customer_number, service.plan)) or (
                service.started_on or _month(today, -service.months_ago)
            )
            rows.append(
                (
                    spec.customer_number,
                    service.kind,
                    service.plan,
                    started_on.isoformat(),
                    service.monthly_fee,
                    service.plan,
                    "",
                    service.tax_rate,
                )
            )
    import_services(db, to_csv(SERVICE_COLUMNS, rows))
    found: dict[str, list[Service]] = {number: [] for number in ids.values()}
    for service in db.exec(select(Service).where(Service.customer_id.in_(list(ids))).order_by(Service.id)):
        found[ids[service.customer_id]].append(service)
    return found


def _description(service: Service) -> str:
    if service.kind in ("tv", "internet", "phone"):
        return f"{service.plan} 基本料金"
    return service.plan


def _call_charge(customer_number: str, period: str) -> int:
    """Call charges that vary from month to month, but the same on every run."""
    digest = hashlib.sha256(f"{customer_number}:{period}".encode()).digest()
    return 180 + int.from_bytes(digest[:2], "big") % 1500


def _lines(spec: DemoCustomer, services: list[Service], first: dt.date) -> list[tuple[str, int, int]]:
    """(description, amount before tax, tax rate) of one month's bill; empty when nothing ran."""
    last = _month(first, 1) - dt.timedelta(days=1)
    running = [s for s in services if s.started_on <= last and (s.ended_on is None or s.ended_on >= first)]
    if not running:
        return []
    order = ("tv", "internet", "phone", "option", "equipment")
    running.sort(key=lambda s: (order.index(s.kind) if s.kind in order else len(order), s.id))
    lines = [(_description(s), s.monthly_fee, s.tax_rate) for s in running]
    if spec.calls and any(s.kind == "phone" for s in running):
        lines.append(("通話料", _call_charge(spec.customer_number, f"{first:%Y-%m}"), 10))
    lines.extend((description, amount, 10) for description, amount in spec.discounts)
    return lines


def bill_status(spec: DemoCustomer, is_newest: bool) -> str:
    """A demo bill's status as first loaded: the newest is due, the older ones paid."""
    return ("scheduled" if spec.payment_method == BANK else "unpaid") if is_newest else "paid"


def restore_bills(db: Session, customers: dict[str, Customer], today: dt.date) -> None:
    """Give the demo's bills the status they had when first loaded (what a walk through the demo paid)."""
    newest = f"{_month(today, -1):%Y-%m}"
    for spec in CUSTOMERS:
        customer = customers.get(spec.customer_number)
        if customer is None or not spec.bills:
            continue
        mine = Invoice.customer_id == customer.id
        db.exec(
            sa.update(Invoice)
            .where(mine, Invoice.period == newest)
            .values(status=bill_status(spec, True), paid_on=None)
        )
        db.exec(sa.update(Invoice).where(mine, Invoice.period < newest).values(status="paid", paid_on=Invoice.due_on))


def _import_bills(
    db: Session,
    customers: dict[str, Customer],
    services: dict[str, list[Service]],
    today: dt.date,
    settings: Settings,
) -> None:
    """The months of bills that are missing, through the bills import."""
    newest = f"{_month(today, -1):%Y-%m}"
    ids = [customers[c.customer_number].id for c in CUSTOMERS]
    have = {(i.customer_id, i.period) for i in db.exec(select(Invoice).where(Invoice.customer_id.in_(ids)))}
    rows = []
    for spec in CUSTOMERS:
        customer = customers[spec.customer_number]
        if not spec.bills:
            continue
        for months_back in range(MONTHS_OF_BILLS, 0, -1):
            first = _month(today, -months_back)
            period = f"{first:%Y-%m}"
            lines = [] if (customer.id, period) in have else _lines(spec, services[spec.customer_number], first)
            issued_on = _month(first, 1)
            due_on = issued_on.replace(day=DUE_DAY)
            is_newest = period == newest
            status = bill_status(spec, is_newest)
            number = f"{settings.branding.short_name[:12]}-{customer.customer_number}-{first:%Y%m}"
            for description, amount, rate in lines:
                rows.append(
                    (
                        customer.customer_number,
                        period,
                        number,
                        issued_on.isoformat(),
                        due_on.isoformat(),
                        spec.payment_method,
                        status,
                        description,
                        1,
                        amount,
                        amount,
                        rate,
                        "" if is_newest else due_on.isoformat(),
                    )
                )
    if rows:
        importer.import_bills(db, to_csv(importer.BILL_COLUMNS, rows))
        # The demo's bills were never "ready" news: no ご請求額確定のお知らせ waits for them.
        db.exec(sa.update(Invoice).where(Invoice.customer_id.in_(ids)).values(mail_pending=False))


def _mark_paid(db: Session, customer: Customer, today: dt.date) -> None:
    """A demo bill that is no longer the newest has since been paid on its due date."""
    newest = f"{_month(today, -1):%Y-%m}"
    db.exec(
        sa.update(Invoice)
        .where(
            Invoice.customer_id == customer.id,
            Invoice.period < newest,
            Invoice.status != "paid",
            Invoice.paid_on.is_(None),
        )
        .values(status="paid", paid_on=Invoice.due_on)
    )


def _card(db: Session, customer: Customer, spec: DemoCustomer, now: dt.datetime) -> None:
    if _one(db, select(PaymentMethod).where(PaymentMethod.customer_id == customer.id)):
        return
    brand, last4 = spec.card
    year = jptime.today(now).year
    db.add(
        PaymentMethod(
            customer_id=customer.id,
            gateway_token=f"demo-card-{customer.customer_number}",
            brand=brand,
            last4=last4,
            exp_month=12,
            exp_year=year + 3,
            updated_at=now,
        )
    )


def _account(db: Session, customer: Customer, spec: DemoCustomer, now: dt.datetime, settings: Settings) -> None:
    if _one(db, select(Account).where(Account.customer_id == customer.id)):
        return
    db.add(
        Account(
            customer_id=customer.id,
            login_id=spec.login_id,
            login_id_folded=spec.login_id.lower(),
            password_hash=hash_password(spec.password, settings.bcrypt_rounds),
            email=spec.email,
            status="active",
            created_at=now,
            verified_at=now,
            password_changed_at=now,
        )
    )
    db.flush()


def _notices(db: Session, numbers: dict[str, str], today: dt.date, now: dt.datetime) -> None:
    for title, body, kind, first, last in NOTICES:
        customer_id = None
        if kind is not None:
            customer_id = db.exec(select(Customer.id).where(Customer.customer_number == numbers[kind])).one()
        starts_at = _jst_midnight(today + dt.timedelta(days=first))
        ends_at = None if last is None else _jst_midnight(today + dt.timedelta(days=last))
        notice = _one(db, select(Notice).where(Notice.title == title, Notice.customer_id == customer_id))
        if notice is None:
            db.add(
                Notice(
                    title=title,
                    body=body,
                    customer_id=customer_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    created_at=now,
                )
            )
        elif (notice.starts_at, notice.ends_at) != (starts_at, ends_at):
            notice.starts_at, notice.ends_at = starts_at, ends_at
            db.add(notice)


def _report(db: Session, customer: Customer, spec: DemoCustomer) -> dict:
    has_account = _one(db, select(Account.id).where(Account.customer_id == customer.id)) is not None
    entry = {
        "customer_number": customer.customer_number,
        "auth_code": format_auth_code(spec.auth_code),
        "name": customer.name,
        "has_account": has_account,
        "kind": spec.kind,
    }
    if spec.login_id:
        entry["login_id"] = spec.login_id
        entry["password"] = spec.password
    return entry
