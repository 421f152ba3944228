"""The one loop every import runs, so that memory does not grow with the file.

1. The file is read as it comes (csvfile.Records: a block at a time, decoded, parsed).
2. Each batch of rows is checked by the import's own rules and kept, checked and converted,
   in a staging table: a scratch SQLite database in a temporary folder, deleted afterwards.
3. The rules across rows (a number twice in the file, rows of one invoice that disagree)
   are SQL queries on the staging table.
4. Only when the whole file is right, the staged rows are written in chunks: existing rows
   looked up per chunk, new ones inserted and changed ones updated with one multi-row
   statement each. Nothing is written before every row is checked; what the writing itself
   finds wrong (an invoice number of another customer) raises ImportFailed after it, inside
   the caller's transaction, which the caller rolls back. A dry run does every check and
   counts, and writes nothing.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import Session

from mypage.models import Customer
from mypage.operator import csvfile
from mypage.operator.csvfile import UTF8, ImportFailed, RowError

BATCH = 2000  # rows checked together (one look-up of their customers)
CHUNK = 4000  # staged rows written together
IN_LIMIT = 1000  # values in one SQL IN (...)
PROGRESS_STEP = 1000

Progress = Callable[[int, int], None]


@dataclasses.dataclass(frozen=True)
class Summary:
    """What an import did.

    Attributes:
        kind: "customers", "services" or "invoices".
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


class Staging:
    """The checked rows of one import in a scratch SQLite table `staged (line, COLUMNS…)`."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self._folder = tempfile.TemporaryDirectory(prefix="mypage-import-")
        self.db = sqlite3.connect(Path(self._folder.name) / "staging.db", isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-32000", "temp_store=FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(f"CREATE TABLE staged (line INTEGER PRIMARY KEY, {', '.join(self.columns)})")
        self.db.execute("BEGIN")
        self._insert = f"INSERT INTO staged VALUES ({', '.join('?' * (len(self.columns) + 1))})"

    def add(self, rows: Iterable[tuple]) -> None:
        """Keep checked rows: (line, *COLUMNS)."""
        self.db.executemany(self._insert, rows)

    def query(self, sql: str, parameters: Sequence = ()) -> sqlite3.Cursor:
        """Run SQL on the staging database."""
        return self.db.execute(sql, parameters)

    def chunks(self, order: str = "line", whole: str | None = None) -> Iterator[list[tuple]]:
        """The staged rows in order, CHUNK at a time; with `whole`, a chunk never splits rows of one value of it."""
        size = CHUNK
        cursor = self.db.execute(f"SELECT * FROM staged ORDER BY {order}")
        if whole is None:
            while rows := cursor.fetchmany(size):
                yield rows
            return
        at = self.columns.index(whole) + 1
        chunk: list[tuple] = []
        while rows := cursor.fetchmany(size):
            for row in rows:
                if len(chunk) >= size and row[at] != chunk[-1][at]:
                    yield chunk
                    chunk = []
                chunk.append(row)
        if chunk:
            yield chunk

    def close(self) -> None:
        """Delete the staging database."""
        self.db.close()
        self._folder.cleanup()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Kind(Protocol):
    """One import's own part: its columns, its row checks, its rules across rows, its writing."""

    columns: Sequence[str]
    required: Sequence[str]
    staged: Sequence[str]  # the staging table's columns after line

    def check(self, db: Session, batch: list[tuple[int, dict[str, str]]], errors: list[RowError]) -> list[tuple]:
        """Check a batch of records, noting errors; one staged tuple (line, *staged) per record, wrong ones too."""

    def across(self, staging: Staging) -> list[RowError]:
        """The errors of rules across rows, found in the staging table."""

    def write(self, db: Session, staging: Staging, header: list[str], dry_run: bool) -> Summary:
        """Write the staged rows (or with dry_run only count), raising ImportFailed for conflicts with stored rows."""


def run(
    db: Session,
    source: csvfile.Source,
    kind: Kind,
    encoding: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> Summary:
    """Read, check, stage and write one file (see the module's docstring).

    Args:
        db: The session; the caller commits, or rolls back when this raises.
        source: The file's path, or its bytes.
        kind: The import.
        encoding: The file's encoding; detected when None.
        progress: Told (rows checked, about how many rows the file has) every PROGRESS_STEP rows and at the end.
        dry_run: Check and count, write nothing.

    Returns:
        The summary, with the encoding the file was read with.

    Raises:
        ImportFailed: Every wrong value of the file.
    """
    db.flush()
    if db.get_bind().dialect.name == "postgresql":
        # The look-ups (IN lists) run thousands of times while their tables grow from nothing: a plan
        # cached while a table was small (a sequential scan) would make each one read the whole table.
        db.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
    with csvfile.opened(source) as file, Staging(kind.staged) as staging:
        total = csvfile.count_rows(file) if progress is not None else 0
        records = csvfile.Records(file, kind.columns, kind.required, encoding)
        errors: list[RowError] = []
        done = 0
        for batch in _batches(records, BATCH):
            staging.add(kind.check(db, batch, errors))
            before, done = done, done + len(batch)
            for step in range(before // PROGRESS_STEP + 1, done // PROGRESS_STEP + 1):
                if progress is not None:
                    progress(step * PROGRESS_STEP, max(total, step * PROGRESS_STEP))
        if progress is not None and done % PROGRESS_STEP:
            progress(done, done)
        errors.extend(records.errors)
        errors.extend(kind.across(staging))
        if errors:
            raise ImportFailed(errors)
        summary = kind.write(db, staging, records.header or [], dry_run)
    return dataclasses.replace(summary, encoding=records.codec)


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def chunked(values: Sequence, size: int = IN_LIMIT) -> Iterator[Sequence]:
    """The values `size` at a time (for IN (...) and multi-row statements)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class CustomerIds:
    """Customer numbers to ids, looked up a batch at a time (at most LIMIT kept)."""

    LIMIT = 200_000

    def __init__(self, db: Session) -> None:
        self.db = db
        self.known: dict[str, int] = {}

    def lookup(self, numbers: Iterable[str]) -> dict[str, int]:
        """The ids of those numbers that are customers' (the others are missing)."""
        given = {number for number in numbers if number}
        if len(self.known) + len(given) > self.LIMIT:
            self.known.clear()
        wanted = sorted(given - self.known.keys())
        table = Customer.__table__
        for chunk in chunked(wanted):
            query = sa.select(table.c.customer_number, table.c.id).where(table.c.customer_number.in_(chunk))
            self.known.update((number, id_) for number, id_ in self.db.execute(query))
        return self.known


class OfCustomers:
    """The part of an import whose rows name known customers: `row(line, record, known, errors)` checks one.

    The customers' ids are looked up a batch of rows at a time (`known`: number → id).
    """

    row: Callable[[int, dict[str, str], dict[str, int], list[RowError]], tuple]

    def __init__(self) -> None:
        self.customers: CustomerIds | None = None

    def check(self, db: Session, batch: list[tuple[int, dict[str, str]]], errors: list[RowError]) -> list[tuple]:
        """Check a batch of records; one staged tuple per record."""
        self.customers = self.customers or CustomerIds(db)
        known = self.customers.lookup(record["customer_number"] for _, record in batch)
        return [self.row(line, record, known, errors) for line, record in batch]


def repeated(staging: Staging, key: Sequence[str], where: str) -> Iterator[tuple[int, tuple, int]]:
    """Rows whose key is on an earlier row too: (line, key values, the earliest line with that key).

    Only rows where the SQL condition `where` holds count; it names the columns as t.NAME.
    """
    columns = ", ".join(key)
    sql = f"""
        SELECT s.line, {", ".join(f"s.{name}" for name in key)}, f.first FROM staged s
        JOIN (SELECT {columns}, min(line) AS first FROM staged t WHERE {where}
              GROUP BY {columns} HAVING count(*) > 1) f ON {" AND ".join(f"s.{name} = f.{name}" for name in key)}
        WHERE s.line != f.first AND {where.replace("t.", "s.")}
        ORDER BY s.line"""
    for row in staging.query(sql):
        yield row[0], row[1:-1], row[-1]


def upsert(
    db: Session,
    staging: Staging,
    model: type,
    given: Sequence[str],
    pairs: Callable[[list[tuple]], Iterable[tuple[sa.Row | None, dict]]],
    dry_run: bool,
) -> tuple[int, int, int]:
    """Write the staged rows a chunk at a time: new ones inserted, changed ones updated.

    Args:
        db: The session.
        staging: The checked rows.
        model: The table's model.
        given: The columns the file has: a stored row is updated when one of them differs.
        pairs: For a chunk of staged rows, each row's stored row (None when new) and its values.
        dry_run: Count only.

    Returns:
        How many rows were created, updated and already up to date.
    """
    table = model.__table__
    update = sa.update(table).where(table.c.id == sa.bindparam("_id")).values({n: sa.bindparam(f"_{n}") for n in given})
    created = updated = unchanged = 0
    for rows in staging.chunks():
        new, changed = [], []
        for stored, values in pairs(rows):
            if stored is None:
                new.append(values)
            elif any(getattr(stored, name) != values[name] for name in given):
                changed.append({"_id": stored.id, **{f"_{name}": values[name] for name in given}})
            else:
                unchanged += 1
        created, updated = created + len(new), updated + len(changed)
        if not dry_run:
            if new:
                db.execute(sa.insert(table), new)
            if changed:
                db.execute(update, changed)
    expire(db, model)
    return created, updated, unchanged


def insert_rows(db: Session, table: sa.Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert many rows at once: PostgreSQL's COPY, else one prepared INSERT run for every row.

    Dates are given as ISO text (YYYY-MM-DD), as SQLAlchemy writes them to SQLite and PostgreSQL reads them.
    """
    if not rows:
        return
    connection = db.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        with connection.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = (
        ", ".join("?" * len(columns)) if connection.dialect.paramstyle == "qmark" else ", ".join(["%s"] * len(columns))
    )
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def expire(db: Session, model: type) -> None:
    """Objects of a model the session holds are reloaded on next use (rows were changed with plain SQL)."""
    for instance in list(db.identity_map.values()):
        if isinstance(instance, model):
            db.expire(instance)
