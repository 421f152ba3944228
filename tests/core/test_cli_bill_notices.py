"""`mypage import bills` mails new bills after its commit and reports failures; `mypage export paperless`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from mypage import db
from mypage.models import Account, Customer, Invoice
from tests.core.clirun import run
from tests.core.csv_samples import BILLS, CUSTOMERS
from tests.support import free_port

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def subscriber(database_url, tmp_path):
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "bills.csv").write_text(BILLS, encoding="utf-8")
    assert run(database_url, "import", "customers", str(tmp_path / "customers.csv")).returncode == 0
    with Session(db.engine_for(database_url)) as session:
        customer = session.exec(select(Customer).where(Customer.customer_number == "3000000001")).one()
        session.add(
            Account(
                customer_id=customer.id,
                login_id="jiro",
                login_id_folded="jiro",
                password_hash="x",
                email="jiro@example.jp",
                status="active",
                verified_at=NOW,
            )
        )
        session.commit()
    return tmp_path


def test_import_mails_new_bills_and_reports_a_failure(database_url, subscriber, smtp_server, mail):
    host, port, _ = smtp_server
    closed = {"MYPAGE_SMTP_HOST": "127.0.0.1", "MYPAGE_SMTP_PORT": str(free_port())}
    done = run(database_url, "import", "bills", str(subscriber / "bills.csv"), **closed)
    assert done.returncode == 1
    # September's bill is given as paid: no mail waits for it.
    assert "customer 3000000001, invoice ACT-3000000001-202610: mail not sent" in done.stderr
    assert "202609" not in done.stderr
    assert "the bills are imported, and the next import sends them" in done.stderr
    assert "bill mails: 0 sent, 1 without a mail, 1 failed" in done.stdout
    with Session(db.engine_for(database_url)) as session:
        assert len(session.exec(select(Invoice)).all()) == 3  # the import itself is saved
        assert len(session.exec(select(Invoice).where(Invoice.mail_pending)).all()) == 1

    smtp = {"MYPAGE_SMTP_HOST": host, "MYPAGE_SMTP_PORT": str(port)}
    again = run(database_url, "import", "bills", str(subscriber / "bills.csv"), "--json", **smtp)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["mails"] == {"sent": 1, "skipped": 0, "failed": []}
    assert len(mail.to("jiro@example.jp")) == 1
    assert run(database_url, "import", "bills", str(subscriber / "bills.csv"), **smtp).stdout.count("bill mails") == 0


def test_export_paperless(database_url, subscriber):
    with Session(db.engine_for(database_url)) as session:
        for number, day in (("3000000001", 1), ("3000000002", 20)):
            customer = session.exec(select(Customer).where(Customer.customer_number == number)).one()
            customer.paperless_since = dt.datetime(2026, 11, day, 3, 0, tzinfo=dt.UTC)
            session.add(customer)
        session.commit()
    done = run(database_url, "export", "paperless")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "customer_number,name,paperless_since",
        "3000000001,八戸 次郎,2026-11-01T12:00:00+09:00",
        "3000000002,五所川原 三郎,2026-11-20T12:00:00+09:00",
    ]
    later = run(database_url, "export", "paperless", "--since", "２０２６/１１/１０", "--json")
    assert json.loads(later.stdout)["customers"] == [
        {"customer_number": "3000000002", "name": "五所川原 三郎", "paperless_since": "2026-11-20T12:00:00+09:00"}
    ]
    bad = run(database_url, "export", "paperless", "--since", "2026-13-01")
    assert bad.returncode == 1 and "--since: must be a date YYYY-MM-DD" in bad.stderr
