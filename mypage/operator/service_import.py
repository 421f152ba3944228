"""CSV files of contracted services: one row per service, option or rented device.

The same rules as the other imports (see importer.py): every row is checked before
anything is written, every error is reported as `line N, field: message`, and importing
is an upsert. A service is matched by its customer and its name; rows the file does not
mention are left alone (a service that ended gets an ended_on, it is not deleted).
"""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, select

from mypage.billing.contract import KINDS
from mypage.models import Service
from mypage.operator.csvfile import ImportFailed, RowError, decode, records
from mypage.operator.importer import (
    MAX_YEN,
    Progress,
    Summary,
    _chunks,
    _counted,
    _customers,
    _date,
    _integer,
    _Row,
    _tax_rate,
    _text,
)
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


@dataclasses.dataclass(frozen=True)
class _ServiceRow:
    line: int
    customer_number: str
    name: str
    values: dict


def _service_row(line: int, record: dict[str, str], known: dict, errors: list[RowError]) -> _ServiceRow:
    row = _Row(line, record, errors)
    number = row.customer(known)
    name = row.value("name", _text(100), "")
    values = {
        "kind": row.value("kind", _kind, ""),
        "plan": row.value("plan", _text(100), "", required=False),
        "started_on": row.value("started_on", _date),
        "ended_on": row.value("ended_on", _date, required=False),
        "monthly_fee": row.value("monthly_fee", _integer(-MAX_YEN, MAX_YEN), 0),
        "tax_rate": row.value("tax_rate", _tax_rate, 10, required=False),
    }
    if values["started_on"] and values["ended_on"] and values["ended_on"] < values["started_on"]:
        row.error(
            "ended_on", f"{values['ended_on'].isoformat()} is before started_on {values['started_on'].isoformat()}"
        )
    return _ServiceRow(line, number, name, values)


def import_services(db: Session, data: bytes, encoding: str | None = None, progress: Progress | None = None) -> Summary:
    """Add or update the services of a CSV file, or nothing at all if any row is wrong.

    Columns: customer_number, kind (tv, internet, phone, option, equipment or テレビ,
    インターネット, 電話, オプション, レンタル機器), name, started_on (YYYY-MM-DD) and
    monthly_fee (yen before tax) are required; plan, ended_on and tax_rate (10 or 8,
    by default 10) are optional. A service is matched by customer_number and name.

    Args:
        db: The session; the caller commits (nothing is added when this raises).
        data: The file's bytes.
        encoding: The file's encoding; detected when None.
        progress: Told (rows checked, rows in the file) as the rows are checked, for a progress bar.

    Returns:
        How many services were created, updated and already up to date.

    Raises:
        ImportFailed: Every wrong value of the file.
    """
    text, codec = decode(data, encoding)
    rows = records(text, SERVICE_COLUMNS, SERVICE_REQUIRED)
    errors: list[RowError] = []
    customers = _customers(db, (record["customer_number"] for _, record in rows))
    checked = [_service_row(line, record, customers, errors) for line, record in _counted(rows, progress)]
    seen: dict[tuple[str, str], int] = {}
    for service in checked:
        key = (service.customer_number, service.name)
        if service.name and key in seen:
            errors.append(
                RowError(
                    service.line,
                    "name",
                    f"customer {service.customer_number} already has {service.name!r} on line {seen[key]}",
                )
            )
        seen.setdefault(key, service.line)
    if errors:
        raise ImportFailed(errors)
    stored: dict[tuple[int, str], Service] = {}
    for chunk in _chunks([c.id for c in customers.values()]):
        for service in db.exec(select(Service).where(Service.customer_id.in_(chunk))):
            # NFKC, as the file's values are: a name stored before imports may be full-width.
            stored.setdefault((service.customer_id, nfkc(service.name)), service)
    header = set(rows[0][1]) if rows else set()
    created = updated = unchanged = 0
    for row in checked:
        customer_id = customers[row.customer_number].id
        # A column the file leaves out keeps its stored value.
        values = {field: value for field, value in row.values.items() if field in header}
        service = stored.get((customer_id, row.name))
        if service is None:
            db.add(Service(customer_id=customer_id, name=row.name, **row.values))
            created += 1
        elif any(getattr(service, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(service, field, value)
            db.add(service)
            updated += 1
        else:
            unchanged += 1
    db.flush()
    return Summary("services", created, updated, unchanged, encoding=codec)
