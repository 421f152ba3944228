"""The migrations and the schema's constraints on PostgreSQL, the production database."""

import sqlalchemy as sa
from sqlmodel import Session

from mypage import db
from mypage.models import Account, Customer


def test_migrations_build_every_table(postgres_url):
    tables = set(sa.inspect(db.engine_for(postgres_url)).get_table_names())
    assert {"customer", "account", "user_session", "invoice", "invoice_line", "notice", "audit_event"} <= tables


def test_login_id_is_unique_ignoring_case(postgres_url):
    engine = db.engine_for(postgres_url)
    with Session(engine) as session:
        customers = [Customer(customer_number=f"PG{i}", name="テスト") for i in range(2)]
        session.add_all(customers)
        session.commit()
        session.add(
            Account(
                customer_id=customers[0].id,
                login_id="Taro",
                login_id_folded="taro",
                password_hash="x",
                email="a@example.jp",
            )
        )
        session.commit()
        session.add(
            Account(
                customer_id=customers[1].id,
                login_id="TARO",
                login_id_folded="taro",
                password_hash="x",
                email="b@example.jp",
            )
        )
        try:
            session.commit()
        except sa.exc.IntegrityError:
            session.rollback()
        else:
            raise AssertionError("a second TARO was accepted")
