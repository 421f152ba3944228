"""CSV files from the operator's billing system: customers and their bills.

A file is UTF-8 (with or without a byte-order mark), Shift_JIS as Windows writes it (CP932),
EUC-JP or ISO-2022-JP; the encoding is detected unless given. The first row names the columns.
Every row is checked before anything is written (values NFKC-normalised, dates, integers,
known customers, allowed values); when any row is wrong, ImportFailed lists every error as
`line N, field: message` and nothing is written. The file is read, checked and written
as a stream (mypage.operator.importloop), so memory does not grow with it.

Importing is an upsert, so importing the same file again changes nothing:
customers are matched by customer_number; invoices by invoice_number, else by
(customer, period). An issued invoice is never rewritten: different content makes a
correction (mypage.operator.corrections). Rows the file does not mention are left alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from mypage.billing.statements import STATUS_LABELS
from mypage.models import Customer, Invoice, InvoiceLine
from mypage.operator import corrections
from mypage.operator.csvfile import ImportFailed, RowError, Source
from mypage.operator.customers import CustomerInput, check
from mypage.operator.importloop import (
    OfCustomers,
    Progress,
    Staging,
    Summary,
    chunked,
    expire,
    insert_rows,
    repeated,
    run,
    upsert,
)

__all__ = [
    "BILL_COLUMNS",
    "CUSTOMER_COLUMNS",
    "ImportFailed",
    "Progress",
    "Summary",
    "import_bills",
    "import_customers",
]

MAX_YEN = 999_999_999  # fits PostgreSQL's integer column with room to spare

CUSTOMER_REQUIRED = ("customer_number", "name")
CUSTOMER_COLUMNS = (*CUSTOMER_REQUIRED, "kana", "email", "postal_code", "address", "phone", "company", "department")
BILL_REQUIRED = (
    "customer_number",
    "period",
    "invoice_number",
    "issued_on",
    "due_on",
    "payment_method",
    "status",
    "description",
    "quantity",
    "unit_price",
    "amount",
    "tax_rate",
)
BILL_COLUMNS = (*BILL_REQUIRED, "paid_on")
# Fields that belong to the invoice, so every row of one invoice must agree on them.
INVOICE_FIELDS = ("customer_number", "period", "issued_on", "due_on", "payment_method", "status", "paid_on")
TAX_RATES = (10, 8)
STATUSES = {**{code: code for code in STATUS_LABELS}, **{label: code for code, label in STATUS_LABELS.items()}}

_CUSTOMER_NUMBER = re.compile(r"[A-Za-z0-9-]{1,20}")
_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_PERIOD = re.compile(r"(\d{4})[-/](\d{1,2})")
_INTEGER = re.compile(r"[-+]?\d{1,3}(,\d{3})+|[-+]?\d+")


def _customer_number(value: str) -> str | None:
    if not value:
        return "is required"
    if not _CUSTOMER_NUMBER.fullmatch(value):
        return f"must be 1 to 20 half-width letters, digits or hyphens, not {value!r}"
    return None


# --- customers ----------------------------------------------------------------------------------


def import_customers(
    db: Session,
    data: Source,
    now: dt.datetime,
    encoding: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> Summary:
    """Add or update the customers of a CSV file, or nothing at all if any row is wrong.

    Columns: customer_number, name (both required), kana, email, postal_code, address, phone,
    company and department (a business subscriber, whose bills are addressed to it with 御中).
    A column the file leaves out keeps its stored value; an empty cell empties it.
    No authentication code is issued here (see `mypage codes issue`).

    Args:
        db: The session; the caller commits (nothing is added when this raises).
        data: The file's path, or its bytes.
        now: The time of the import (created_at of new customers).
        encoding: The file's encoding; detected when None.
        progress: Told (rows checked, rows in the file) as the rows are checked, for a progress bar.
        dry_run: Check the file and count what would change; write nothing.

    Returns:
        How many customers were created, updated and already up to date.

    Raises:
        ImportFailed: Every wrong value of the file.
    """
    return run(db, data, _Customers(now), encoding, progress, dry_run)


class _Customers:
    columns, required = CUSTOMER_COLUMNS, CUSTOMER_REQUIRED
    # number is NULL when it is wrong; a column the file leaves out is NULL.
    staged = ("number", *CUSTOMER_COLUMNS[1:])

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def check(self, db: Session, batch: list[tuple[int, dict[str, str]]], errors: list[RowError]) -> list[tuple]:
        staged = []
        for line, record in batch:
            number = record["customer_number"]
            problem = _customer_number(number)
            if problem:
                errors.append(RowError(line, "customer_number", problem))
            given = {name: record[name] for name in CUSTOMER_COLUMNS[1:] if name in record}
            cleaned, problems = check(CustomerInput(**given))
            errors.extend(RowError(line, p.field.replace("-", "_"), p.message) for p in problems)
            values = dataclasses.asdict(cleaned)
            staged.append(
                (line, None if problem else number, *(values[n] if n in given else None for n in self.staged[1:]))
            )
        return staged

    def across(self, staging: Staging) -> list[RowError]:
        # Found before the row's own checks, so listed first among its line's errors.
        return [
            RowError(line, "customer_number", f"{number} is already on line {first}", rank=0)
            for line, (number,), first in repeated(staging, ["number"], "t.number IS NOT NULL")
        ]

    def write(self, db: Session, staging: Staging, header: list[str], dry_run: bool) -> Summary:
        given = [name for name in CUSTOMER_COLUMNS[1:] if name in header]
        at = [self.staged.index(name) + 1 for name in given]
        table = Customer.__table__
        query = sa.select(table.c.id, table.c.customer_number, *(table.c[name] for name in given))

        def pairs(rows: list[tuple]):
            stored = {}
            for numbers in chunked([row[1] for row in rows]):
                found = db.execute(query.where(table.c.customer_number.in_(numbers)))
                stored.update((customer.customer_number, customer) for customer in found)
            for row in rows:
                values = {name: row[i] for name, i in zip(given, at, strict=True)}
                yield stored.get(row[1]), {"customer_number": row[1], "created_at": self.now, **values}

        return Summary("customers", *upsert(db, staging, Customer, given, pairs, dry_run))


# --- bills --------------------------------------------------------------------------------------


class _BillRow(NamedTuple):
    """One checked row of a bills file, as staged: dates as ISO text (YYYY-MM-DD), as they are written."""

    line: int
    customer_id: int | None
    customer_number: str
    period: str
    invoice_number: str
    issued_on: str | None
    due_on: str | None
    payment_method: str
    status: str
    paid_on: str | None
    description: str
    quantity: int
    unit_price: int
    amount: int
    tax_rate: int

    def item(self, position: int) -> tuple:
        return position, self.description, self.quantity, self.unit_price, self.amount, self.tax_rate


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _dated(fields: dict) -> dict:
    """The invoice's fields with its dates as dates, as a stored invoice has them."""
    return {
        name: dt.date.fromisoformat(value) if name in _DATES and isinstance(value, str) else value
        for name, value in fields.items()
    }


_DATES = ("issued_on", "due_on", "paid_on")
_BILL_FIELDS = _BillRow._fields


class _Row:
    """One record being checked: each getter notes an error and returns a stand-in."""

    def __init__(self, line: int, record: dict[str, str], errors: list[RowError]) -> None:
        self.line, self.record, self.errors = line, record, errors

    def error(self, field: str, message: str) -> None:
        self.errors.append(RowError(self.line, field, message))

    def customer(self, known: dict[str, int]) -> str:
        """The row's customer number, noting an error unless it is one of the known customers'."""
        number = self.record["customer_number"]
        problem = _customer_number(number)
        if problem:
            self.error("customer_number", problem)
        elif number not in known:
            self.error("customer_number", f"no customer has the number {number}; import the customers first")
        return number

    def value(self, field: str, parse: Callable[[str], object], default: object = None, required: bool = True):
        raw = self.record.get(field, "")
        if not raw:
            if required:
                self.error(field, "is required")
            return default
        try:
            return parse(raw)
        except ValueError as error:
            self.error(field, str(error))
            return default


def _text(limit: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return raw

    return parse


def _date(raw: str) -> dt.date:
    if len(raw) == 10 and raw[4] == raw[7] == "-" and raw.isascii():
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(raw)  # the usual YYYY-MM-DD, quickly
    match = _DATE.fullmatch(raw)
    try:
        if match is None:
            raise ValueError
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"must be a date YYYY-MM-DD, not {raw!r}") from None


def _iso_date(raw: str) -> str:
    """A date as ISO text (the usual YYYY-MM-DD is checked and kept as it is)."""
    if len(raw) == 10 and raw[4] == raw[7] == "-" and raw.isascii():
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            return raw
    return _date(raw).isoformat()


def _period(raw: str) -> str:
    match = _PERIOD.fullmatch(raw)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"must be a month YYYY-MM, not {raw!r}")
    return f"{match.group(1)}-{int(match.group(2)):02d}"


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
            return int(raw)  # the usual plain number, quickly
        text = raw.replace("\u2212", "-").removesuffix("円")
        if not _INTEGER.fullmatch(text):
            raise ValueError(f"must be a whole number, not {raw!r}")
        value = int(text.replace(",", ""))
        if not low <= value <= high:
            raise ValueError(f"must be between {low:,} and {high:,}, not {value:,}")
        return value

    return parse


def _tax_rate(raw: str) -> int:
    if raw == "10" or raw == "8":
        return int(raw)
    text = raw.removesuffix("%")
    if not text.isdigit() or int(text) not in TAX_RATES:
        raise ValueError(f"must be 10 or 8 (percent), not {raw!r}")
    return int(text)


def _status(raw: str) -> str:
    status = STATUSES.get(raw.lower())
    if status:
        return status
    allowed = ", ".join(f"{code} ({label})" for code, label in STATUS_LABELS.items())
    raise ValueError(f"must be one of {allowed}, not {raw!r}")


_TEXT30, _TEXT200 = _text(30), _text(200)
_QUANTITY, _YEN = _integer(1, 1_000_000), _integer(-MAX_YEN, MAX_YEN)


def _bill_row(line: int, record: dict[str, str], known: dict[str, int], errors: list[RowError]) -> _BillRow:
    row = _Row(line, record, errors)
    number = row.customer(known)
    checked = _BillRow(
        line=line,
        customer_id=known.get(number),
        customer_number=number,
        period=row.value("period", _period, ""),
        invoice_number=row.value("invoice_number", _TEXT30, ""),
        issued_on=row.value("issued_on", _iso_date),
        due_on=row.value("due_on", _iso_date),
        payment_method=row.value("payment_method", _TEXT30, ""),
        status=row.value("status", _status, ""),
        paid_on=row.value("paid_on", _iso_date, required=False),
        description=row.value("description", _TEXT200, ""),
        quantity=row.value("quantity", _QUANTITY, 0),
        unit_price=row.value("unit_price", _YEN, 0),
        amount=row.value("amount", _YEN, 0),
        tax_rate=row.value("tax_rate", _tax_rate, 10),
    )
    if checked.issued_on and checked.due_on and checked.due_on < checked.issued_on:  # ISO text sorts as dates do
        row.error("due_on", f"{checked.due_on} is before issued_on {checked.issued_on}")
    if checked.paid_on and checked.status and checked.status != "paid":
        row.error("paid_on", f"is only given for status paid, not {checked.status}")
    return checked


def _disagreeing(staging: Staging) -> list[RowError]:
    """Rows of one invoice must agree on the invoice's own fields (those of its first row)."""
    differs = " OR ".join(f"s.{field} IS NOT f.{field}" for field in INVOICE_FIELDS)
    sql = f"""
        SELECT s.line, s.invoice_number, f.line, {", ".join(f"s.{name}, f.{name}" for name in INVOICE_FIELDS)}
        FROM staged s JOIN (SELECT invoice_number, min(line) AS first FROM staged
                            WHERE invoice_number != '' GROUP BY invoice_number HAVING count(*) > 1) g
          ON s.invoice_number = g.invoice_number AND s.line != g.first
        JOIN staged f ON f.line = g.first
        WHERE {differs}
        ORDER BY s.line"""
    errors = []
    for line, number, first, *values in staging.query(sql):
        for at, field in enumerate(INVOICE_FIELDS):
            mine, theirs = values[2 * at], values[2 * at + 1]
            if mine != theirs:
                errors.append(
                    RowError(
                        line,
                        field,
                        f"{_show(mine)} differs from {_show(theirs)} on line {first}, the same invoice {number}",
                    )
                )
    return errors


def _one_per_period(staging: Staging) -> list[RowError]:
    """A customer has one invoice per period: the first rows of two invoices may not share both."""
    staging.query(
        "CREATE TEMP TABLE heads AS SELECT s.line, s.customer_number, s.period, s.invoice_number FROM staged s"
        " JOIN (SELECT min(line) AS first FROM staged WHERE invoice_number != '' GROUP BY invoice_number) g"
        " ON s.line = g.first WHERE s.period != ''"
    )
    sql = """
        SELECT h.line, h.customer_number, h.period, o.invoice_number, o.line FROM heads h
        JOIN (SELECT customer_number, period, min(line) AS first FROM heads
              GROUP BY customer_number, period HAVING count(*) > 1) g
          ON h.customer_number = g.customer_number AND h.period = g.period AND h.line != g.first
        JOIN heads o ON o.line = g.first
        ORDER BY h.line"""
    return [
        RowError(
            line,
            "invoice_number",
            f"customer {customer_number} already has invoice {other} for {period} on line {other_line}",
        )
        for line, customer_number, period, other, other_line in staging.query(sql)
    ]


def _show(value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    return repr(value.isoformat() if isinstance(value, dt.date) else value)


_INVOICES = Invoice.__table__
_LINES = InvoiceLine.__table__


def _existing_invoices(db: Session, numbers: Sequence[str], customer_ids: Sequence[int]) -> list[sa.Row]:
    found: dict[int, sa.Row] = {}
    for chunk in chunked(list(numbers)):
        found.update((i.id, i) for i in db.execute(sa.select(_INVOICES).where(_INVOICES.c.invoice_number.in_(chunk))))
    for chunk in chunked(list(customer_ids)):
        found.update((i.id, i) for i in db.execute(sa.select(_INVOICES).where(_INVOICES.c.customer_id.in_(chunk))))
    return list(found.values())


def _existing_lines(db: Session, invoice_ids: Sequence[int]) -> dict[int, list[tuple]]:
    lines: dict[int, list[tuple]] = {}
    columns = (_LINES.c.position, _LINES.c.description, _LINES.c.quantity, _LINES.c.unit_price, _LINES.c.amount)
    for chunk in chunked(list(invoice_ids)):
        query = (
            sa.select(_LINES.c.invoice_id, *columns, _LINES.c.tax_rate)
            .where(_LINES.c.invoice_id.in_(chunk))
            .order_by(_LINES.c.position, _LINES.c.id)
        )
        for invoice_id, *item in db.execute(query):
            lines.setdefault(invoice_id, []).append(tuple(item))
    return lines


def _match(
    group: list[_BillRow],
    by_number: dict[str, sa.Row],
    by_period: dict[tuple[int, str], sa.Row],
    errors: list[RowError],
) -> sa.Row | None:
    """The stored invoice the file's invoice updates: same number, else same customer and period."""
    first = group[0]
    invoice = by_number.get(first.invoice_number)
    taken = by_period.get((first.customer_id, first.period))
    if invoice is not None and invoice.customer_id != first.customer_id:
        errors.append(
            RowError(first.line, "invoice_number", f"{first.invoice_number} is already another customer's invoice")
        )
    elif invoice is not None and taken is not None and taken.id != invoice.id:
        errors.append(
            RowError(
                first.line,
                "period",
                f"customer {first.customer_number} already has invoice {taken.invoice_number} for {first.period}",
            )
        )
    return invoice or taken


_INVOICE_COLUMNS = (
    "customer_id",
    "invoice_number",
    "period",
    "issued_on",
    "due_on",
    "payment_method",
    "status",
    "paid_on",
    "revision",
    "corrects_id",
    "correction_note",
    "paid_method",
    "mail_pending",
)
_LINE_COLUMNS = ("invoice_id", "position", "description", "quantity", "unit_price", "amount", "tax_rate")


def _insert(db: Session, new: list[tuple[tuple, list[tuple]]]) -> int:
    """Insert new invoices (values in _INVOICE_COLUMNS' order) and their lines as bulk statements."""
    if not new:
        return 0
    insert_rows(db, _INVOICES, _INVOICE_COLUMNS, [values for values, _ in new])
    ids: dict[str, int] = {}
    query = sa.select(_INVOICES.c.invoice_number, _INVOICES.c.id)
    for chunk in chunked([values[1] for values, _ in new]):
        ids.update((number, id_) for number, id_ in db.execute(query.where(_INVOICES.c.invoice_number.in_(chunk))))
    rows = [(ids[values[1]], *item) for values, items in new for item in items]
    insert_rows(db, _LINES, _LINE_COLUMNS, rows)
    return len(rows)


class _Taken:
    """Invoice numbers in use: those stored, those of the file, those given to corrections so far."""

    def __init__(self, db: Session, staging: Staging) -> None:
        self.db, self.staging = db, staging
        self.given: set[str] = set()

    def __contains__(self, number: str) -> bool:
        if number in self.given:
            return True
        if self.staging.query("SELECT 1 FROM staged WHERE invoice_number = ? LIMIT 1", (number,)).fetchone():
            return True
        query = sa.select(_INVOICES.c.id).where(_INVOICES.c.invoice_number == number)
        return self.db.execute(query).first() is not None


def import_bills(
    db: Session,
    data: Source,
    encoding: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> Summary:
    """Add or update the invoices of a CSV file (one row per line), or nothing if any row is wrong.

    Columns: customer_number, period (YYYY-MM), invoice_number, issued_on, due_on (YYYY-MM-DD),
    payment_method, status (unpaid / paid / scheduled, or 未払い / お支払い済み / 口座振替予定),
    description, quantity, unit_price, amount (yen before tax), tax_rate (10 or 8), and
    optionally paid_on. Rows with the same invoice_number form one invoice, their lines in
    file order; the customers must exist already (import them first).

    Args:
        db: The session; the caller commits, and rolls back when this raises.
        data: The file's path, or its bytes.
        encoding: The file's encoding; detected when None.
        progress: Told (rows checked, rows in the file) as the rows are checked, for a progress bar.
        dry_run: Check the file and count what would change; write nothing.

    Returns:
        How many invoices were created, updated and already up to date, and the lines written.

    Raises:
        ImportFailed: Every wrong value of the file.
    """
    return run(db, data, _Bills(), encoding, progress, dry_run)


@dataclasses.dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    corrected: int = 0
    lines: int = 0


class _Bills(OfCustomers):
    columns, required = BILL_COLUMNS, BILL_REQUIRED
    staged = _BILL_FIELDS[1:]
    row = staticmethod(_bill_row)

    def across(self, staging: Staging) -> list[RowError]:
        staging.query("CREATE INDEX staged_invoice ON staged (invoice_number, line)")
        return _disagreeing(staging) + _one_per_period(staging)

    def write(self, db: Session, staging: Staging, header: list[str], dry_run: bool) -> Summary:
        staging.query("CREATE INDEX staged_customer ON staged (customer_id, line)")
        counts, errors, taken = _Counts(), [], _Taken(db, staging)
        # A customer's rows are written together: its stored invoices are looked up once.
        for rows in staging.chunks(order="customer_id, line", whole="customer_id"):
            invoices: dict[str, list[_BillRow]] = {}
            for row in rows:
                bill = _BillRow._make(row)
                invoices.setdefault(bill.invoice_number, []).append(bill)
            new = self._chunk(db, invoices, "paid_on" in header, counts, errors, taken, write=not (dry_run or errors))
            if not (dry_run or errors):
                counts.lines += _insert(db, new)
            elif not errors:
                counts.lines += sum(len(items) for _, items in new)
        if errors:
            raise ImportFailed(errors)
        expire(db, Invoice)
        return Summary(
            "invoices", counts.created, counts.updated, counts.unchanged, lines=counts.lines, corrected=counts.corrected
        )

    @staticmethod
    def _chunk(
        db: Session,
        invoices: dict[str, list[_BillRow]],
        has_paid_on: bool,
        counts: _Counts,
        errors: list[RowError],
        taken: _Taken,
        write: bool,
    ) -> list[tuple[tuple, list[tuple]]]:
        """Match one chunk's invoices with the stored ones; update payments in place; the new invoices and lines."""
        stored = _existing_invoices(db, list(invoices), sorted({g[0].customer_id for g in invoices.values()}))
        newest = corrections.heads(stored)
        by_id = {i.id: i for i in stored}
        # A number or a period names a document; what it is now is its newest version.
        by_number = {i.invoice_number: newest[i.id] for i in stored}
        by_period = {(i.customer_id, i.period): i for i in stored if newest[i.id] is i}
        matches: dict[str, sa.Row | None] = {}
        claimed: dict[int, _BillRow] = {}
        for number, group in invoices.items():
            invoice = _match(group, by_number, by_period, errors)
            other = claimed.setdefault(invoice.id, group[0]) if invoice is not None else None
            if other is not None and other is not group[0]:
                errors.append(
                    RowError(
                        group[0].line,
                        "invoice_number",
                        f"{number} would replace stored invoice {invoice.invoice_number}, as line {other.line} does",
                    )
                )
            matches[number] = invoice
        old_lines = _existing_lines(db, [i.id for i in matches.values() if i is not None])
        new: list[tuple[tuple, list[tuple]]] = []
        payments: dict[tuple[str, ...], list[dict]] = {}
        for number, group in invoices.items():
            first, invoice = group[0], matches[number]
            fields = {
                "customer_id": first.customer_id,
                "invoice_number": number,
                "period": first.period,
                "issued_on": first.issued_on,
                "due_on": first.due_on,
                "payment_method": first.payment_method,
                "status": first.status,
            }
            if has_paid_on or first.status != "paid":
                fields["paid_on"] = first.paid_on
            if invoice is not None and invoice.paid_method:
                # Paid online (mypage.billing.billpay): the billing system may not know yet; paid stays paid.
                fields.pop("status")
                fields.pop("paid_on", None)
            items = [bill.item(position) for position, bill in enumerate(group, start=1)]
            if invoice is None:
                # mail_pending: its ご請求額確定のお知らせ goes out after the commit (mypage.billing.billmail);
                # not for a bill already paid, so loading past months mails nobody about them.
                pending = first.status != "paid"
                new.append(((*(fields.get(name) for name in _INVOICE_COLUMNS[:8]), 0, None, "", "", pending), items))
                counts.created += 1
                continue
            fields = _dated(fields)
            old = old_lines.get(invoice.id, [])
            # The file may keep calling a corrected invoice by its first number.
            if by_number.get(number) is invoice:
                fields["invoice_number"] = invoice.invoice_number
            document = {name: fields[name] for name in ("invoice_number", *corrections.DOCUMENT_FIELDS)}
            if old == items and all(getattr(invoice, name) == value for name, value in document.items()):
                payment = {name: fields[name] for name in ("status", "paid_on") if name in fields}
                if all(getattr(invoice, name) == value for name, value in payment.items()):
                    counts.unchanged += 1
                else:
                    payments.setdefault(tuple(payment), []).append(
                        {"_id": invoice.id, **{f"_{k}": v for k, v in payment.items()}}
                    )
                    counts.updated += 1
                continue
            # Issued invoices are never rewritten: the change is a new invoice that corrects this one.
            revision = invoice.revision + 1
            what_changed = corrections.note(invoice, old, fields, items)
            if fields["invoice_number"] == invoice.invoice_number:
                root = corrections.root_number(invoice, by_id)
                fields["invoice_number"] = corrections.correction_number(root, revision, taken)
            taken.given.add(fields["invoice_number"])
            fields.setdefault("status", invoice.status)
            fields.setdefault("paid_on", invoice.paid_on)
            correction = {"revision": revision, "corrects_id": invoice.id, "correction_note": what_changed}
            values = {**fields, **correction, "paid_method": invoice.paid_method, "mail_pending": False}
            new.append((tuple(_iso(values[name]) for name in _INVOICE_COLUMNS), items))
            counts.corrected += 1
        if write:
            for names, values in payments.items():
                update = sa.update(_INVOICES).where(_INVOICES.c.id == sa.bindparam("_id"))
                db.execute(update.values({name: sa.bindparam(f"_{name}") for name in names}), values)
        return new
