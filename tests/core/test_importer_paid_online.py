"""A bill paid online stays paid when the billing system's next file still calls it unpaid."""

import datetime as dt

from sqlmodel import select

from mypage.models import Invoice
from mypage.operator.importer import import_bills, import_customers
from tests.core.csv_samples import BILLS, CUSTOMERS

NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)


def paid_online(dbs) -> Invoice:
    """The imported bills, one of them then paid online (mypage.billing.billpay)."""
    import_customers(dbs, CUSTOMERS.encode(), NOW)
    import_bills(dbs, BILLS.encode())
    dbs.commit()
    invoice = dbs.exec(select(Invoice).where(Invoice.invoice_number == "ACT-3000000002-202610")).one()
    invoice.status, invoice.paid_on = "paid", dt.date(2026, 11, 20)
    invoice.paid_method = "クレジットカード（VISA •••• 4242）"
    dbs.add(invoice)
    dbs.commit()
    return invoice


def test_paid_online_stays_paid(dbs):
    invoice = paid_online(dbs)
    changed = BILLS.replace('ACTネット,1,"4,800","4,800"', 'ACTネット 1G,1,"4,800","4,800"')
    summary = import_bills(dbs, changed.encode())
    dbs.commit()
    # A changed line makes a correction (修正); paid online, both stay paid.
    assert summary.corrected == 1
    dbs.refresh(invoice)
    assert (invoice.status, invoice.paid_on) == ("paid", dt.date(2026, 11, 20))
    correction = dbs.exec(select(Invoice).where(Invoice.corrects_id == invoice.id)).one()
    assert (correction.status, correction.paid_on, correction.paid_method) == (
        "paid",
        dt.date(2026, 11, 20),
        "クレジットカード（VISA •••• 4242）",
    )


def test_paid_online_stays_paid_when_only_the_status_differs(dbs):
    invoice = paid_online(dbs)
    summary = import_bills(dbs, BILLS.encode())
    dbs.commit()
    assert summary.corrected == 0
    dbs.refresh(invoice)
    assert (invoice.status, invoice.paid_on) == ("paid", dt.date(2026, 11, 20))
