"""The home and billing data take a fixed number of queries, whatever the history's length."""

import contextlib
import datetime as dt

import sqlalchemy as sa

from mypage import home
from mypage.billing import statements
from tests import member_data as md

NOW = dt.datetime(2025, 5, 10, 3, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@contextlib.contextmanager
def counting(engine):
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def load_everything(dbs, customer, account):
    home.home(dbs, account.id, NOW)
    statements.years(dbs, customer.id)
    statements.statements(dbs, customer.id, TODAY)
    statements.statements(dbs, customer.id, TODAY, year=2024)
    statements.statements(dbs, customer.id, TODAY, limit=None)


def queries_for(dbs, months):
    customer = md.customer(dbs, f"c{months}")
    account = md.account(dbs, customer)
    md.invoices(dbs, customer, months, TODAY)
    md.notice(dbs, "お知らせ", NOW - dt.timedelta(days=1))
    dbs.expunge_all()  # nothing cached in the identity map
    with counting(dbs.get_bind()) as statements:
        load_everything(dbs, customer, account)
    return len(statements)


def test_constant_queries_with_ten_years_of_bills(dbs):
    short, long = queries_for(dbs, 24), queries_for(dbs, 120)
    assert short == long
    assert long == 13  # home 6, years 1, three statement lists 2 each
