"""Imports stream the file: read a block at a time, checked a batch at a time, written a chunk at a time."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mypage.models import Customer, Invoice, InvoiceLine, Service
from mypage.operator import csvfile, importloop
from mypage.operator.csvfile import ImportFailed, Records, decode
from mypage.operator.importer import import_bills, import_customers
from mypage.operator.service_import import import_services
from tests.core.csv_samples import BILL_HEADER, BILLS, CUSTOMERS

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
ASCII_ROWS = "".join(f"30000{n:05d},Name {n}\n" for n in range(200))  # 4,000 bytes of plain ASCII


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks, the encoding's window, batches and chunks of a few bytes or rows, so small files cross them."""
    monkeypatch.setattr(csvfile, "BLOCK", 64)
    monkeypatch.setattr(csvfile, "SNIFF", 256)
    monkeypatch.setattr(importloop, "BATCH", 2)
    monkeypatch.setattr(importloop, "CHUNK", 2)


def count(dbs, model) -> int:
    return dbs.exec(select(sa.func.count()).select_from(model)).one()


class CountingFile(io.BytesIO):
    """A file that remembers how far it has been read."""

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.furthest = self.tell()
        return data


def test_records_are_read_as_the_file_is(small_blocks):
    data = f"customer_number,name\n{ASCII_ROWS * 10}".encode()
    file = CountingFile(data)
    records = iter(Records(file, ("customer_number", "name"), ("customer_number",)))
    assert next(records) == (2, {"customer_number": "3000000000", "name": "Name 0"})
    assert file.furthest <= 2 * 64  # a block or two, not the 40 kB file
    assert sum(1 for _ in records) == 1999


@pytest.mark.parametrize("codec", ["cp932", "euc_jp", "iso2022_jp"])
def test_the_encoding_is_told_from_the_first_text_beyond_ascii(small_blocks, codec):
    text = f"customer_number,name\n{ASCII_ROWS}3000000999,八戸 次郎\n{ASCII_ROWS}"
    assert decode(text.encode(codec)) == (text, codec)


def test_a_byte_beyond_the_sniffed_window_that_cannot_be_read_stops_with_its_line(small_blocks):
    data = f"customer_number,name\n3000000001,八戸 次郎\n{ASCII_ROWS}".encode() + "3000000002,青森\n".encode("cp932")
    with pytest.raises(ImportFailed) as caught:
        decode(data)
    assert [str(e) for e in caught.value.errors] == [
        "line 203, encoding: the file cannot be read as UTF-8; give --encoding if it is another one"
    ]


def test_a_file_of_plain_ascii_is_utf_8(small_blocks):
    text = f"customer_number,name\n{ASCII_ROWS}"
    assert decode(text.encode()) == (text, "utf-8")


def test_imports_across_batches_and_chunks_give_what_one_piece_gives(dbs, small_blocks, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes(CUSTOMERS.encode("cp932"))
    assert import_customers(dbs, path, NOW).created == 2
    services = "customer_number,kind,name,started_on,monthly_fee\n" + "".join(
        f"300000000{1 + n % 2},option,オプション{n},2020-04-01,{100 + n}\n" for n in range(7)
    )
    assert import_services(dbs, services.encode("euc_jp")).created == 7
    summary = import_bills(dbs, BILLS.encode())
    assert (summary.created, summary.lines, count(dbs, Invoice), count(dbs, InvoiceLine)) == (3, 5, 3, 5)
    lines = dbs.exec(select(InvoiceLine.description).order_by(InvoiceLine.invoice_id, InvoiceLine.position)).all()
    assert lines[:3] == ["ACTテレビ 基本料金", "ミネラルウォーター定期便", "セット割引"]  # one invoice, not split
    again = import_bills(dbs, BILLS.encode())
    assert (again.created, again.unchanged, again.lines) == (0, 3, 0)
    assert import_services(dbs, services.encode()).unchanged == 7
    assert count(dbs, Service) == 7


def test_a_dry_run_counts_and_writes_nothing(dbs):
    assert import_customers(dbs, CUSTOMERS.encode(), NOW, dry_run=True).created == 2
    assert count(dbs, Customer) == 0
    import_customers(dbs, CUSTOMERS.encode(), NOW)
    summary = import_bills(dbs, BILLS.encode(), dry_run=True)
    assert (summary.created, summary.lines, count(dbs, Invoice)) == (3, 5, 0)
    import_bills(dbs, BILLS.encode())
    changed = import_bills(dbs, BILLS.replace(",1,3000,3000,10", ",1,3300,3300,10").encode(), dry_run=True)
    assert (changed.corrected, changed.unchanged, count(dbs, Invoice)) == (2, 1, 3)


def test_a_conflict_found_while_writing_leaves_the_transaction_to_roll_back(dbs, small_blocks, monkeypatch):
    monkeypatch.setattr(importloop, "CHUNK", 1)
    import_customers(dbs, CUSTOMERS.encode(), NOW)
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    # The first customer's new invoice is written (chunk 1) before the second's conflict is found (chunk 2).
    data = f"""{BILL_HEADER}
3000000001,2026-08,NEW-1,2026-09-01,2026-09-27,口座振替,paid,A,1,1,1,10
3000000002,2026-08,ACT-3000000001-202610,2026-09-01,2026-09-27,口座振替,paid,B,1,1,1,10
"""
    with pytest.raises(ImportFailed) as caught:
        import_bills(dbs, data.encode())
    assert [str(e) for e in caught.value.errors] == [
        "line 3, invoice_number: ACT-3000000001-202610 is already another customer's invoice"
    ]
    assert count(dbs, Invoice) == 4  # NEW-1, inside the transaction the caller rolls back
    dbs.rollback()
    assert count(dbs, Invoice) == 3
