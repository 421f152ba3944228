"""`mypage import customers|bills FILE.csv`: as the operator runs it, in UTF-8 and Shift_JIS."""

from __future__ import annotations

import json

import pytest

from tests.core.clirun import counts, run
from tests.core.csv_samples import BILL_HEADER, BILLS, CUSTOMERS


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_bytes(CUSTOMERS.replace("\n", "\r\n").encode("cp932"))
    (folder / "bills.csv").write_bytes(BILLS.encode("utf-8-sig"))
    return folder


def test_import_customers_then_bills_and_again(database_url, files):
    done = run(database_url, "import", "customers", str(files / "customers.csv"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "customers: 2 created, 0 updated, 0 unchanged (read as cp932)"
    done = run(database_url, "import", "bills", str(files / "bills.csv"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "kind": "invoices",
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "lines": 5,
        "encoding": "utf-8",
        "corrected": 0,
    }
    after = counts(database_url)
    assert (after["customer"], after["invoice"], after["invoice_line"]) == (2, 3, 5)
    again = run(database_url, "import", "bills", str(files / "bills.csv"))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (
        "invoices: 0 created, 0 updated, 3 unchanged; 0 invoice lines written (read as utf-8)"
    )
    assert run(database_url, "import", "customers", str(files / "customers.csv"), "--json").returncode == 0
    assert counts(database_url) == after


def test_encoding_can_be_given(database_url, files):
    path = files / "customers.csv"
    done = run(database_url, "import", "customers", str(path), "--encoding", "utf-8")
    assert done.returncode == 1
    assert done.stderr.startswith("line 2, encoding: the file cannot be read as UTF-8")
    done = run(database_url, "import", "customers", str(path), "--encoding", "Shift_JIS")
    assert done.returncode == 0, done.stderr
    assert counts(database_url)["customer"] == 2


def test_every_error_is_printed_and_nothing_is_written(database_url, files):
    assert run(database_url, "import", "customers", str(files / "customers.csv")).returncode == 0
    bad = files / "bad.csv"
    bad.write_text(
        f"{BILL_HEADER}\n"
        "3000000001,2026-10,X-1,2026-11-01,2026-11-27,口座振替,paid,A,1,1,1,10\n"
        "3000000009,2026-13,X-2,2026-11-01,2026-11-27,口座振替,done,B,1,1,1,5\n",
        encoding="cp932",
    )
    before = counts(database_url)
    done = run(database_url, "import", "bills", str(bad))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "line 3, customer_number: no customer has the number 3000000009; import the customers first",
        "line 3, period: must be a month YYYY-MM, not '2026-13'",
        "line 3, status: must be one of unpaid (未払い), paid (お支払い済み), scheduled (口座振替予定), not 'done'",
        "line 3, tax_rate: must be 10 or 8 (percent), not '5'",
        f"Error: 4 errors in {bad}; nothing was written",
    ]
    assert counts(database_url) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["import", "customers", "missing.csv"], "missing.csv"),
        (["import", "customers"], "FILE"),
        (["import", "bills", "{csv}/customers.csv"], "line 1, header: unknown column 'name'"),
        (["import", "customers", "{csv}/customers.csv", "--encoding", "latin-1"], "--encoding"),
        (["import", "invoices", "{csv}/bills.csv"], "invoices"),
    ],
)
def test_bad_usage_exits_1_and_writes_nothing(database_url, files, args, says):
    done = run(database_url, *(a.format(csv=files) for a in args))
    assert done.returncode == 1
    assert says in done.stderr and "Traceback" not in done.stderr
    assert counts(database_url)["customer"] == 0
