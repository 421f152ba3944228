"""CSV files from the operator's billing system: customers and their bills.

A file is UTF-8 (with or without a byte-order mark) or Shift_JIS as Windows writes
it (CP932); the encoding is detected unless given. The first row names the columns.
Every row is checked before anything is written (values NFKC-normalised, dates,
integers, known customers, allowed values); when any row is wrong, ImportFailed
lists every error as `line N, field: message` and the caller writes nothing.

Importing is an upsert, so importing the same file again changes nothing:
customers are matched by customer_number; invoices by invoice_number, else by
(customer, period), and an invoice's lines are replaced by the file's. Rows the
file does not mention are left alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage.billing.statements import STATUS_LABELS
from mypage.models import Customer, Invoice, InvoiceLine
from mypage.operator import corrections
from mypage.operator.csvfile import UTF8, ImportFailed, RowError, decode, records
from mypage.operator.customers import CustomerInput, check

CHUNK = 500
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


@dataclasses.dataclass(frozen=True)
class Summary:
    """What an import did.

    Attributes:
        kind: "customers" or "invoices".
        created: Rows added.
        updated: Rows changed.
        unchanged: Rows that already matched the file.
        lines: Invoice lines written (bills only).
        encoding: The encoding the file was read with.
        corrected: Issued invoices given a correction (修正) because the file changed them (bills only).
    """

    kind: str
    created: int
    updated: int
    unchanged: int
    lines: int = 0
    encoding: str = UTF8
    corrected: int = 0

    def as_dict(self) -> dict[str, int | str]:
        """The summary for --json (corrected only for bills)."""
        values = dataclasses.asdict(self)
        if self.kind != "invoices":
            values.pop("corrected")
        return values


Progress = Callable[[int, int], None]
PROGRESS_STEP = 1000


def _counted(rows: Sequence, progress: Progress | None) -> Iterator:
    """The rows, telling `progress(done, total)` every PROGRESS_STEP rows and at the end."""
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None and (done % PROGRESS_STEP == 0 or done == len(rows)):
            progress(done, len(rows))


def _chunks(values: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _customers(db: Session, numbers: Iterable[str]) -> dict[str, Customer]:
    found: dict[str, Customer] = {}
    for chunk in _chunks(sorted(set(numbers))):
        query = select(Customer).where(Customer.customer_number.in_(chunk))
        found.update((c.customer_number, c) for c in db.exec(query))
    return found


def _customer_number(value: str) -> str | None:
    if not value:
        return "is required"
    if not _CUSTOMER_NUMBER.fullmatch(value):
        return f"must be 1 to 20 half-width letters, digits or hyphens, not {value!r}"
    return None


# --- customers ----------------------------------------------------------------------------------


def import_customers(
    db: Session, data: bytes, now: dt.datetime, encoding: str | None = None, progress: Progress | None = None
) -> Summary:
    """Add or update the customers of a CSV file, or nothing at all if any row is wrong.

    Columns: customer_number, name (both required), kana, email, postal_code, address, phone,
    company and department (a business subscriber, whose bills are addressed to it with 御中).
    A column the file leaves out keeps its stored value; an empty cell empties it.
    No authentication code is issued here (see `mypage codes issue`).

    Args:
        db: The session; the caller commits (nothing is added when this raises).
        data: The file's bytes.
        now: The time of the import (created_at of new customers).
        encoding: The file's encoding; detected when None.
        progress: Told (rows checked, rows in the file) as the rows are checked, for a progress bar.

    Returns:
        How many customers were created, updated and already up to date.

    Raises:
        ImportFailed: Every wrong value of the file.
    """
    text, codec = decode(data, encoding)
    rows = records(text, CUSTOMER_COLUMNS, CUSTOMER_REQUIRED)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    checked: list[tuple[str, dict[str, str]]] = []
    for line, record in _counted(rows, progress):
        number = record["customer_number"]
        problem = _customer_number(number)
        if problem:
            errors.append(RowError(line, "customer_number", problem))
        elif number in seen:
            errors.append(RowError(line, "customer_number", f"{number} is already on line {seen[number]}"))
        else:
            seen[number] = line
        given = {name: record[name] for name in CUSTOMER_COLUMNS[1:] if name in record}
        cleaned, problems = check(CustomerInput(**given))
        errors.extend(RowError(line, p.field.replace("-", "_"), p.message) for p in problems)
        values = dataclasses.asdict(cleaned)
        checked.append((number, {name: values[name] for name in given}))
    if errors:
        raise ImportFailed(errors)
    existing = _customers(db, seen)
    created = updated = unchanged = 0
    for number, values in checked:
        customer = existing.get(number)
        if customer is None:
            db.add(Customer(customer_number=number, created_at=now, **values))
            created += 1
        elif any(getattr(customer, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(customer, name, value)
            db.add(customer)
            updated += 1
        else:
            unchanged += 1
    db.flush()
    return Summary("customers", created, updated, unchanged, encoding=codec)


# --- bills --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _BillRow:
    line: int
    customer_number: str
    period: str
    invoice_number: str
    issued_on: dt.date | None
    due_on: dt.date | None
    payment_method: str
    status: str
    paid_on: dt.date | None
    description: str
    quantity: int
    unit_price: int
    amount: int
    tax_rate: int

    def item(self, position: int) -> tuple:
        return position, self.description, self.quantity, self.unit_price, self.amount, self.tax_rate


class _Row:
    """One record being checked: each getter notes an error and returns a stand-in."""

    def __init__(self, line: int, record: dict[str, str], errors: list[RowError]) -> None:
        self.line, self.record, self.errors = line, record, errors

    def error(self, field: str, message: str) -> None:
        self.errors.append(RowError(self.line, field, message))

    def customer(self, known: dict[str, Customer]) -> str:
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
    match = _DATE.fullmatch(raw)
    try:
        if match is None:
            raise ValueError
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"must be a date YYYY-MM-DD, not {raw!r}") from None


def _period(raw: str) -> str:
    match = _PERIOD.fullmatch(raw)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"must be a month YYYY-MM, not {raw!r}")
    return f"{match.group(1)}-{int(match.group(2)):02d}"


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        text = raw.replace("\u2212", "-").removesuffix("円")
        if not _INTEGER.fullmatch(text):
            raise ValueError(f"must be a whole number, not {raw!r}")
        value = int(text.replace(",", ""))
        if not low <= value <= high:
            raise ValueError(f"must be between {low:,} and {high:,}, not {value:,}")
        return value

    return parse


def _tax_rate(raw: str) -> int:
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


def _bill_row(line: int, record: dict[str, str], known: dict[str, Customer], errors: list[RowError]) -> _BillRow:
    row = _Row(line, record, errors)
    number = row.customer(known)
    checked = _BillRow(
        line=line,
        customer_number=number,
        period=row.value("period", _period, ""),
        invoice_number=row.value("invoice_number", _text(30), ""),
        issued_on=row.value("issued_on", _date),
        due_on=row.value("due_on", _date),
        payment_method=row.value("payment_method", _text(30), ""),
        status=row.value("status", _status, ""),
        paid_on=row.value("paid_on", _date, required=False),
        description=row.value("description", _text(200), ""),
        quantity=row.value("quantity", _integer(1, 1_000_000), 0),
        unit_price=row.value("unit_price", _integer(-MAX_YEN, MAX_YEN), 0),
        amount=row.value("amount", _integer(-MAX_YEN, MAX_YEN), 0),
        tax_rate=row.value("tax_rate", _tax_rate, 10),
    )
    if checked.issued_on and checked.due_on and checked.due_on < checked.issued_on:
        row.error("due_on", f"{checked.due_on.isoformat()} is before issued_on {checked.issued_on.isoformat()}")
    if checked.paid_on and checked.status and checked.status != "paid":
        row.error("paid_on", f"is only given for status paid, not {checked.status}")
    return checked


def _group(bills: list[_BillRow], errors: list[RowError]) -> dict[str, list[_BillRow]]:
    """The rows by invoice; rows of one invoice must agree on the invoice's own fields."""
    invoices: dict[str, list[_BillRow]] = {}
    periods: dict[tuple[str, str], _BillRow] = {}
    for bill in bills:
        if not bill.invoice_number:
            continue
        group = invoices.setdefault(bill.invoice_number, [])
        if group:
            first = group[0]
            for field in INVOICE_FIELDS:
                mine, theirs = getattr(bill, field), getattr(first, field)
                if mine != theirs:
                    errors.append(
                        RowError(
                            bill.line,
                            field,
                            f"{_show(mine)} differs from {_show(theirs)} on line "
                            f"{first.line}, the same invoice {bill.invoice_number}",
                        )
                    )
        else:
            key = (bill.customer_number, bill.period)
            other = periods.setdefault(key, bill)
            if other is not bill and bill.period:
                errors.append(
                    RowError(
                        bill.line,
                        "invoice_number",
                        f"customer {bill.customer_number} already has "
                        f"invoice {other.invoice_number} for {bill.period}"
                        f" on line {other.line}",
                    )
                )
        group.append(bill)
    return invoices


def _show(value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    return repr(value.isoformat() if isinstance(value, dt.date) else value)


def _existing_invoices(db: Session, numbers: Sequence[str], customer_ids: Sequence[int]) -> list[Invoice]:
    found: dict[int, Invoice] = {}
    for chunk in _chunks(list(numbers)):
        found.update((i.id, i) for i in db.exec(select(Invoice).where(Invoice.invoice_number.in_(chunk))))
    for chunk in _chunks(list(customer_ids)):
        found.update((i.id, i) for i in db.exec(select(Invoice).where(Invoice.customer_id.in_(chunk))))
    return list(found.values())


def _existing_lines(db: Session, invoice_ids: Sequence[int]) -> dict[int, list[InvoiceLine]]:
    lines: dict[int, list[InvoiceLine]] = {}
    for chunk in _chunks(list(invoice_ids)):
        query = (
            select(InvoiceLine).where(InvoiceLine.invoice_id.in_(chunk)).order_by(InvoiceLine.position, InvoiceLine.id)
        )
        for line in db.exec(query):
            lines.setdefault(line.invoice_id, []).append(line)
    return lines


def _match(
    group: list[_BillRow],
    customer: Customer,
    by_number: dict[str, Invoice],
    by_period: dict[tuple[int, str], Invoice],
    errors: list[RowError],
) -> Invoice | None:
    """The stored invoice the file's invoice updates: same number, else same customer and period."""
    first = group[0]
    invoice = by_number.get(first.invoice_number)
    taken = by_period.get((customer.id, first.period))
    if invoice is not None and invoice.customer_id != customer.id:
        errors.append(
            RowError(first.line, "invoice_number", f"{first.invoice_number} is already another customer's invoice")
        )
    elif invoice is not None and taken is not None and taken.id != invoice.id:
        errors.append(
            RowError(
                first.line,
                "period",
                f"customer {customer.customer_number} already has invoice {taken.invoice_number} for {first.period}",
            )
        )
    return invoice or taken


def _insert(db: Session, new: list[tuple[dict, list[tuple]]]) -> int:
    """Insert new invoices and their lines as multi-row statements (a large file is mostly new rows)."""
    db.flush()
    for chunk in _chunks(new):
        db.execute(sa.insert(Invoice), [fields for fields, _ in chunk])
    ids: dict[str, int] = {}
    for chunk in _chunks([fields["invoice_number"] for fields, _ in new]):
        ids.update(
            (n, i)
            for i, n in db.execute(select(Invoice.id, Invoice.invoice_number).where(Invoice.invoice_number.in_(chunk)))
        )
    rows = [
        {
            "invoice_id": ids[fields["invoice_number"]],
            "position": position,
            "description": description,
            "quantity": quantity,
            "unit_price": unit_price,
            "amount": amount,
            "tax_rate": tax_rate,
        }
        for fields, items in new
        for position, description, quantity, unit_price, amount, tax_rate in items
    ]
    for chunk in _chunks(rows, CHUNK * 4):
        db.execute(sa.insert(InvoiceLine), list(chunk))
    return len(rows)


def import_bills(db: Session, data: bytes, encoding: str | None = None, progress: Progress | None = None) -> Summary:
    """Add or update the invoices of a CSV file (one row per line), or nothing if any row is wrong.

    Columns: customer_number, period (YYYY-MM), invoice_number, issued_on, due_on (YYYY-MM-DD),
    payment_method, status (unpaid / paid / scheduled, or 未払い / お支払い済み / 口座振替予定),
    description, quantity, unit_price, amount (yen before tax), tax_rate (10 or 8), and
    optionally paid_on. Rows with the same invoice_number form one invoice, their lines in
    file order; the customers must exist already (import them first).

    Args:
        db: The session; the caller commits (nothing is added when this raises).
        data: The file's bytes.
        encoding: The file's encoding; detected when None.
        progress: Told (rows checked, rows in the file) as the rows are checked, for a progress bar.

    Returns:
        How many invoices were created, updated and already up to date, and the lines written.

    Raises:
        ImportFailed: Every wrong value of the file.
    """
    text, codec = decode(data, encoding)
    rows = records(text, BILL_COLUMNS, BILL_REQUIRED)
    has_paid_on = bool(rows) and "paid_on" in rows[0][1]
    errors: list[RowError] = []
    customers = _customers(db, (record["customer_number"] for _, record in rows))
    bills = [_bill_row(line, record, customers, errors) for line, record in _counted(rows, progress)]
    invoices = _group(bills, errors)
    if errors:
        raise ImportFailed(errors)
    stored = _existing_invoices(db, list(invoices), [c.id for c in customers.values()])
    newest = corrections.heads(stored)
    by_id = {i.id: i for i in stored}
    # A number or a period names a document; what it is now is its newest version.
    by_number = {i.invoice_number: newest[i.id] for i in stored}
    by_period = {(i.customer_id, i.period): i for i in stored if newest[i.id] is i}
    taken_numbers = set(by_number)
    matches: dict[str, Invoice | None] = {}
    claimed: dict[int, _BillRow] = {}
    for number, group in invoices.items():
        invoice = _match(group, customers[group[0].customer_number], by_number, by_period, errors)
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
    if errors:
        raise ImportFailed(errors)
    old_lines = _existing_lines(db, [i.id for i in matches.values() if i is not None])
    created = updated = unchanged = corrected = 0
    new: list[tuple[dict, list[tuple]]] = []
    for number, group in invoices.items():
        first, invoice = group[0], matches[number]
        fields = {
            "customer_id": customers[first.customer_number].id,
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
            fields.setdefault("paid_on", None)
            # mail_pending: its ご請求額確定のお知らせ goes out after the commit (mypage.billing.billmail).
            new.append(
                (
                    {**fields, "revision": 0, "corrects_id": None, "correction_note": "", "paid_method": ""}
                    | {"mail_pending": True},
                    items,
                )
            )
            created += 1
        else:
            old = [
                (r.position, r.description, r.quantity, r.unit_price, r.amount, r.tax_rate)
                for r in old_lines.get(invoice.id, [])
            ]
            # The file may keep calling a corrected invoice by its first number.
            if by_number.get(number) is invoice:
                fields["invoice_number"] = invoice.invoice_number
            document = {name: fields[name] for name in ("invoice_number", *corrections.DOCUMENT_FIELDS)}
            if old == items and all(getattr(invoice, name) == value for name, value in document.items()):
                payment = {name: fields[name] for name in ("status", "paid_on") if name in fields}
                if all(getattr(invoice, name) == value for name, value in payment.items()):
                    unchanged += 1
                else:
                    for name, value in payment.items():
                        setattr(invoice, name, value)
                    db.add(invoice)
                    updated += 1
                continue
            # Issued invoices are never rewritten: the change is a new invoice that corrects this one.
            revision = invoice.revision + 1
            what_changed = corrections.note(invoice, old, fields, items)
            if fields["invoice_number"] == invoice.invoice_number:
                root = corrections.root_number(invoice, by_id)
                fields["invoice_number"] = corrections.correction_number(root, revision, taken_numbers)
            taken_numbers.add(fields["invoice_number"])
            fields.setdefault("status", invoice.status)
            fields.setdefault("paid_on", invoice.paid_on)
            correction = {"revision": revision, "corrects_id": invoice.id, "correction_note": what_changed}
            new.append(({**fields, **correction, "paid_method": invoice.paid_method, "mail_pending": False}, items))
            corrected += 1
    written = _insert(db, new)
    return Summary("invoices", created, updated, unchanged, lines=written, encoding=codec, corrected=corrected)
