"""CSV files of contracted services: one row per service, option or rented device.

The same rules and the same loop as the other imports (importer.py, importloop.py): every
row is checked before anything is written, every error is reported as `line N, field: message`,
the file is streamed, and importing is an upsert. A service is matched by its customer and its
name; rows the file does not mention are left alone (a service that ended gets an ended_on,
it is not deleted).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from mypage.billing.contract import KINDS
from mypage.models import Service
from mypage.operator.csvfile import RowError, Source
from mypage.operator.importer import _YEN, _date, _Row, _tax_rate, _text
from mypage.operator.importloop import OfCustomers, Progress, Staging, Summary, chunked, repeated, run, upsert
from mypage.security import nfkc

SERVICE_REQUIRED = ("customer_number", "kind", "name", "started_on", "monthly_fee")
SERVICE_COLUMNS = (*SERVICE_REQUIRED, "plan", "ended_on", "tax_rate")
# The kinds by their code or by the label ご契約内容参照 shows (テレビ, インターネット, 電話, オプション, レンタル機器).
SERVICE_KINDS = {
    **{code: code for code in KINDS},
    **{label: code for code, label in KINDS.items()},
    "機器": "equipment",
}


def _kind(raw: str) -> str:
    kind = SERVICE_KINDS.get(raw.lower())
    if kind:
        return kind
    allowed = ", ".join(f"{code} ({label})" for code, label in KINDS.items())
    raise ValueError(f"must be one of {allowed}, not {raw!r}")


_TEXT100 = _text(100)
_FIELDS = ("kind", "plan", "started_on", "ended_on", "monthly_fee", "tax_rate")
_TABLE = Service.__table__


def _service_row(line: int, record: dict[str, str], known: dict[str, int], errors: list[RowError]) -> tuple:
    """The row as staged: (line, customer_id, customer_number, name, *_FIELDS), dates as ISO text."""
    row = _Row(line, record, errors)
    number = row.customer(known)
    name = row.value("name", _TEXT100, "")
    values = {
        "kind": row.value("kind", _kind, ""),
        "plan": row.value("plan", _TEXT100, "", required=False),
        "started_on": row.value("started_on", _date),
        "ended_on": row.value("ended_on", _date, required=False),
        "monthly_fee": row.value("monthly_fee", _YEN, 0),
        "tax_rate": row.value("tax_rate", _tax_rate, 10, required=False),
    }
    started, ended = values["started_on"], values["ended_on"]
    if started and ended and ended < started:
        row.error("ended_on", f"{ended.isoformat()} is before started_on {started.isoformat()}")
    dates = {field: value.isoformat() for field, value in values.items() if isinstance(value, dt.date)}
    return (line, known.get(number), number, name, *({**values, **dates}[field] for field in _FIELDS))


def import_services(
    db: Session,
    data: Source,
    encoding: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> Summary:
    """Add or update the services of a CSV file, or nothing at all if any row is wrong.

    Columns: customer_number, kind (tv, internet, phone, option, equipment or テレビ,
    インターネット, 電話, オプション, レンタル機器), name, started_on (YYYY-MM-DD) and
    monthly_fee (yen before tax) are required; plan, ended_on and tax_rate (10 or 8,
    by default 10) are optional. A service is matched by customer_number and name.

    Args:
        db: The session; the caller commits (nothing is added when this raises).
        data: The file's path, or its bytes.
        encoding: The file's encoding; detected when None.
        progress: Told (rows checked, rows in the file) as the rows are checked, for a progress bar.
        dry_run: Check the file and count what would change; write nothing.

    Returns:
        How many services were created, updated and already up to date.

    Raises:
        ImportFailed: Every wrong value of the file.
    """
    return run(db, data, _Services(), encoding, progress, dry_run)


class _Services(OfCustomers):
    columns, required = SERVICE_COLUMNS, SERVICE_REQUIRED
    staged = ("customer_id", "customer_number", "name", *_FIELDS)
    row = staticmethod(_service_row)

    def across(self, staging: Staging) -> list[RowError]:
        return [
            RowError(line, "name", f"customer {number} already has {name!r} on line {first}")
            for line, (number, name), first in repeated(staging, ["customer_number", "name"], "t.name != ''")
        ]

    def write(self, db: Session, staging: Staging, header: list[str], dry_run: bool) -> Summary:
        # A column the file leaves out keeps its stored value.
        given = [field for field in _FIELDS if field in header]

        def pairs(rows: list[tuple]):
            stored: dict[tuple[int, str], sa.Row] = {}
            for ids in chunked(sorted({row[1] for row in rows})):
                for service in db.execute(sa.select(_TABLE).where(_TABLE.c.customer_id.in_(ids)).order_by(_TABLE.c.id)):
                    # NFKC, as the file's values are: a name stored before imports may be full-width.
                    stored.setdefault((service.customer_id, nfkc(service.name)), service)
            for _, customer_id, _, name, *staged in rows:
                values = dict(zip(_FIELDS, staged, strict=True))
                for field in ("started_on", "ended_on"):
                    values[field] = values[field] and dt.date.fromisoformat(values[field])
                yield stored.get((customer_id, name)), {"customer_id": customer_id, "name": name, **values}

        return Summary("services", *upsert(db, staging, Service, given, pairs, dry_run))
