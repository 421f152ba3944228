"""Corrections and the 7-year retention of invoices on PostgreSQL, the production database."""

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from mypage import db
from mypage.models import Customer, Invoice, InvoiceLine
from mypage.operator.importer import import_bills

HEADER = (
    "customer_number,period,invoice_number,issued_on,due_on,payment_method,status,"
    "description,quantity,unit_price,amount,tax_rate"
)


def bills(fee: int) -> bytes:
    today = dt.date.today()
    return (
        f"{HEADER}\nPGC1,2026-10,PGC-1-202610,{today},{today},口座振替,unpaid,ACTテレビ,1,{fee},{fee},10\n"
    ).encode()


def test_a_correction_and_the_retention_trigger(postgres_url):
    with Session(db.engine_for(postgres_url)) as session:
        session.add(Customer(customer_number="PGC1", name="テスト"))
        session.commit()
        import_bills(session, bills(3000))
        session.commit()
        assert import_bills(session, bills(3300)).corrected == 1
        session.commit()
        original = session.exec(select(Invoice).where(Invoice.invoice_number == "PGC-1-202610")).one()
        correction = session.exec(select(Invoice).where(Invoice.corrects_id == original.id)).one()
        assert correction.invoice_number == "PGC-1-202610-R1"
        for statement in (
            sa.delete(InvoiceLine).where(InvoiceLine.invoice_id == original.id),
            sa.update(InvoiceLine).where(InvoiceLine.invoice_id == original.id).values(amount=1),
            sa.delete(Invoice).where(Invoice.id == correction.id),
        ):
            with pytest.raises(sa.exc.DatabaseError, match="kept for 7 years"):
                session.exec(statement)
            session.rollback()
