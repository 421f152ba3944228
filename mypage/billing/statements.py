"""Monthly statements: lines, tax per rate, totals, status, the chart series and the CSV.

Amounts on lines are yen before tax. Consumption tax is computed once per rate per
invoice and rounded down, as the qualified-invoice rules require (never per line).
Every reader loads a whole history in a fixed number of queries: the invoices in
one, then all their lines in one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage import csvsafe
from mypage.models import Customer, Invoice, InvoiceLine

REDUCED_RATE = 8
DEFAULT_MONTHS = 24
STATUS_LABELS = {"unpaid": "未払い", "paid": "お支払い済み", "scheduled": "口座振替予定"}
OVERDUE_LABEL = "未払い（お支払期限を過ぎています）"


def tax_for(subtotal: int, rate: int) -> int:
    """The consumption tax on one rate's subtotal, rounded down (toward zero for a net credit)."""
    tax = abs(subtotal) * rate // 100
    return tax if subtotal >= 0 else -tax


def yen(amount: int) -> str:
    """An amount as a Japanese reader expects it: ¥1,234 or -¥500."""
    return f"-¥{-amount:,}" if amount < 0 else f"¥{amount:,}"


def period_label(period: str) -> str:
    """'2025-04' as '2025年4月'."""
    year, month = period.split("-")
    return f"{int(year)}年{int(month)}月"


def period_range(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a billing period 'YYYY-MM'."""
    year, month = (int(part) for part in period.split("-"))
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def status_label(status: str, due_on: dt.date, today: dt.date) -> str:
    """未払い / お支払い済み / 口座振替予定, saying so when an unpaid bill is past its due date."""
    if status == "unpaid" and due_on < today:
        return OVERDUE_LABEL
    return STATUS_LABELS.get(status, status)


@dataclasses.dataclass(frozen=True)
class Line:
    """One line of a statement as the subscriber sees it."""

    description: str
    quantity: int
    unit_price: int
    amount: int
    tax_rate: int

    @property
    def reduced(self) -> bool:
        """Whether the line is a reduced-rate (軽減税率) item."""
        return self.tax_rate == REDUCED_RATE


@dataclasses.dataclass(frozen=True)
class RateTotal:
    """The lines of one tax rate: their subtotal before tax and the tax, rounded once."""

    rate: int
    subtotal: int
    tax: int

    @property
    def total(self) -> int:
        """Subtotal plus tax."""
        return self.subtotal + self.tax


@dataclasses.dataclass(frozen=True)
class Statement:
    """A month's bill: what the page, the CSV and the PDF all show, to the yen."""

    id: int
    customer_id: int
    invoice_number: str
    period: str
    issued_on: dt.date
    due_on: dt.date
    payment_method: str
    status: str
    status_label: str
    paid_on: dt.date | None
    lines: tuple[Line, ...]
    rates: tuple[RateTotal, ...]
    # A correction (修正) names the invoice it corrects and what changed; it carries the earlier
    # versions, oldest first, so that the subscriber sees and downloads them beside it.
    corrects: str = ""
    correction_note: str = ""
    originals: tuple[Statement, ...] = ()
    corrected_by: str = ""
    paid_method: str = ""  # how a paid bill was paid: its payment method, or the online payment's

    @property
    def payable(self) -> bool:
        """Whether the subscriber can pay it online (お支払い): unpaid, with something to pay."""
        return self.status == "unpaid" and self.total > 0

    @property
    def subtotal(self) -> int:
        """The sum of the lines before tax."""
        return sum(rate.subtotal for rate in self.rates)

    @property
    def tax(self) -> int:
        """The consumption tax of all rates."""
        return sum(rate.tax for rate in self.rates)

    @property
    def total(self) -> int:
        """What the subscriber pays."""
        return self.subtotal + self.tax

    @property
    def is_correction(self) -> bool:
        """Whether this invoice corrects an earlier one (修正)."""
        return bool(self.corrects)

    @property
    def has_reduced(self) -> bool:
        """Whether any line is a reduced-rate item."""
        return any(line.reduced for line in self.lines)

    @property
    def label(self) -> str:
        """'2025年4月分'."""
        return f"{period_label(self.period)}分"


def rate_totals(lines: Iterable[Line]) -> tuple[RateTotal, ...]:
    """Subtotal and tax per rate, highest rate first; one rounding per rate."""
    subtotals: dict[int, int] = defaultdict(int)
    for line in lines:
        subtotals[line.tax_rate] += line.amount
    return tuple(
        RateTotal(rate, amount, tax_for(amount, rate)) for rate, amount in sorted(subtotals.items(), reverse=True)
    )


def _statement(invoice: Invoice, rows: Sequence[InvoiceLine], today: dt.date, numbers: dict[int, str]) -> Statement:
    lines = tuple(Line(r.description, r.quantity, r.unit_price, r.amount, r.tax_rate) for r in rows)
    return Statement(
        id=invoice.id,
        customer_id=invoice.customer_id,
        invoice_number=invoice.invoice_number,
        period=invoice.period,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        payment_method=invoice.payment_method,
        status=invoice.status,
        status_label=status_label(invoice.status, invoice.due_on, today),
        paid_on=invoice.paid_on,
        lines=lines,
        rates=rate_totals(lines),
        corrects=numbers.get(invoice.corrects_id, "") if invoice.corrects_id else "",
        correction_note=invoice.correction_note,
        paid_method=(invoice.paid_method or invoice.payment_method) if invoice.status == "paid" else "",
    )


def _with_lines(db: Session, invoices: Sequence[Invoice], today: dt.date) -> list[Statement]:
    """Attach the lines of many invoices with one query, whatever their number."""
    if not invoices:
        return []
    by_invoice: dict[int, list[InvoiceLine]] = defaultdict(list)
    query = (
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_([invoice.id for invoice in invoices]))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position, InvoiceLine.id)
    )
    for row in db.exec(query):
        by_invoice[row.invoice_id].append(row)
    numbers = {invoice.id: invoice.invoice_number for invoice in invoices}
    missing = {i.corrects_id for i in invoices if i.corrects_id is not None and i.corrects_id not in numbers}
    if missing:
        numbers.update(db.exec(select(Invoice.id, Invoice.invoice_number).where(Invoice.id.in_(missing))).all())
    return [_statement(invoice, by_invoice[invoice.id], today, numbers) for invoice in invoices]


def _current():
    """Invoices that no correction replaces: the versions whose totals count."""
    newer = sa.orm.aliased(Invoice)
    return ~sa.exists().where(newer.corrects_id == Invoice.id)


def _with_originals(db: Session, customer_id: int, items: list[Statement], today: dt.date) -> list[Statement]:
    """Attach to each correction the versions it replaces (two more queries, only when there are corrections)."""
    periods = {item.period for item in items if item.is_correction}
    if not periods:
        return items
    query = (
        select(Invoice)
        .where(Invoice.customer_id == customer_id, Invoice.period.in_(periods), sa.not_(_current()))
        .order_by(Invoice.revision)
    )
    earlier: dict[str, list[Statement]] = defaultdict(list)
    for original in _with_lines(db, db.exec(query).all(), today):
        earlier[original.period].append(original)
    return [
        dataclasses.replace(item, originals=tuple(earlier[item.period])) if item.is_correction else item
        for item in items
    ]


def statements(
    db: Session,
    customer_id: int,
    today: dt.date,
    *,
    year: int | None = None,
    limit: int | None = DEFAULT_MONTHS,
) -> list[Statement]:
    """A customer's statements, newest first: the latest `limit`, or one calendar year's.

    Args:
        db: The database session.
        customer_id: Whose statements.
        today: The date that decides whether an unpaid bill is overdue.
        year: Only this year's periods; None for the latest ones.
        limit: How many at most; None for all of them.

    Returns:
        The statements with their lines and totals, in two queries.
    """
    query = select(Invoice).where(Invoice.customer_id == customer_id, _current())
    if year is not None:
        query = query.where(Invoice.period.startswith(f"{year:04d}-"))
    query = query.order_by(Invoice.period.desc())
    if limit is not None:
        query = query.limit(limit)
    return _with_originals(db, customer_id, _with_lines(db, db.exec(query).all(), today), today)


def statement(db: Session, customer_id: int, invoice_id: int, today: dt.date) -> Statement | None:
    """One statement, only if it belongs to the customer; None otherwise, whoever owns it."""
    invoice = db.exec(select(Invoice).where(Invoice.id == invoice_id, Invoice.customer_id == customer_id)).first()
    if invoice is None:
        return None
    item = _with_lines(db, [invoice], today)[0]
    newer = db.exec(select(Invoice.invoice_number).where(Invoice.corrects_id == invoice.id)).first()
    return dataclasses.replace(item, corrected_by=newer) if newer else item


def latest(db: Session, customer_id: int, today: dt.date) -> Statement | None:
    """The newest statement (the corrected one, when it was corrected): this month's bill at a glance."""
    found = statements(db, customer_id, today, limit=1)
    return found[0] if found else None


def years(db: Session, customer_id: int) -> list[int]:
    """The calendar years that have statements, newest first, in one query."""
    year = sa.func.substr(Invoice.period, 1, 4)
    rows = db.exec(select(year).where(Invoice.customer_id == customer_id).distinct().order_by(year.desc()))
    return [int(value) for value in rows]


def chart_series(items: Sequence[Statement]) -> list[dict[str, int | str]]:
    """The monthly totals for the bar chart and its table, oldest first."""
    return [{"month": period_label(s.period), "total": s.total} for s in reversed(items)]


@dataclasses.dataclass(frozen=True)
class Addressee:
    """Whom invoices, receipts and the CSV are addressed to: a person (様), or a company and department (御中)."""

    name: str
    company: str = ""
    department: str = ""

    @property
    def line(self) -> str:
        """'青森 太郎 様', or '株式会社みちのく 経理部 御中'."""
        if self.company:
            return " ".join(part for part in (self.company, self.department) if part) + " 御中"
        return f"{self.name} 様"


def addressee(recipient: str | Addressee) -> Addressee:
    """A recipient given by name alone is a person."""
    return recipient if isinstance(recipient, Addressee) else Addressee(recipient)


def addressee_of(customer: Customer) -> Addressee:
    """The customer's addressee."""
    return Addressee(customer.name, customer.company, customer.department)


def customer_name(db: Session, customer_id: int) -> str:
    """The recipient's name for the CSV and PDF."""
    customer = db.get(Customer, customer_id)
    return customer.name if customer else ""


def statement_csv(item: Statement, recipient: str | Addressee) -> bytes:
    """One statement as CSV that Excel opens correctly: UTF-8 with a BOM, CRLF line ends, no formulas.

    Args:
        item: The statement.
        recipient: The customer's name (a person), or their Addressee (a company is named with 御中).

    Returns:
        The file's bytes.
    """
    rows: list[list[object]] = []
    rows.append(["ご請求明細", item.label])
    to = addressee(recipient)
    rows.append(["宛名", to.line] if to.company else ["お客様名", to.name])
    rows.append(["請求書番号", item.invoice_number])
    if item.is_correction:
        rows.append(["修正", f"請求書番号 {item.corrects} を修正", item.correction_note])
    rows.append(["発行日", item.issued_on.isoformat()])
    rows.append(["お支払期限", item.due_on.isoformat()])
    rows.append(["お支払方法", item.payment_method])
    rows.append(["状態", item.status_label])
    rows.append([])
    rows.append(["品目", "数量", "単価(円)", "金額(税抜・円)", "税率(%)", "軽減税率"])
    for line in item.lines:
        rows.append(
            [line.description, line.quantity, line.unit_price, line.amount, line.tax_rate, "※" if line.reduced else ""]
        )
    rows.append([])
    for rate in item.rates:
        rows.append([f"{rate.rate}%対象 小計(税抜)", "", "", rate.subtotal])
        rows.append([f"{rate.rate}%対象 消費税", "", "", rate.tax])
    rows.append(["消費税合計", "", "", item.tax])
    rows.append(["ご請求金額(税込)", "", "", item.total])
    # Descriptions, names, numbers and methods come from imports: none may run as a formula.
    return csvsafe.rows_to_csv(rows)


def csv_filename(item: Statement) -> str:
    """The download's file name: ASCII, so every browser keeps it."""
    return f"statement-{item.period}.csv"
