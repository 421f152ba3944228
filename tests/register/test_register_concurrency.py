"""Two 登録する at the same moment, each on its own connection: SQLite file and PostgreSQL.

The refusal must come from the database's unique constraints (register does no
look-up first), so whichever thread loses gets a clear message and one account exists.
"""

import datetime as dt
import itertools
import threading

import pytest
from sqlmodel import Session, select

from mypage import db
from mypage.accounts import captcha, registration
from mypage.accounts.validation import CUSTOMER_NUMBER, LOGIN_ID
from mypage.models import Account
from tests.register.factories import T0, add_customer, form

ROUNDS = 4
_ids = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def race_db(request, database_url):
    """(URL, session) of a real database: this test's SQLite file, or the session's PostgreSQL."""
    url = database_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with Session(db.engine_for(url), expire_on_commit=False) as session:
        yield url, session


def login_id(stem: str) -> str:
    # PostgreSQL's database is shared by the whole test session: every round needs its own IDs.
    return f"{stem}{next(_ids):05d}"


def prepared_for(session, customer, code, login_id, now=T0):
    challenge_id, _ = captcha.new_challenge(session, now)
    _, prepared, errors = registration.prepare(session, form(customer, code, login_id=login_id), challenge_id, now)
    session.commit()
    assert errors == {}
    return prepared


def race(database_url, prepared_list, now=T0):
    """Run register for each prepared form in its own thread and session, released together."""
    start = threading.Barrier(len(prepared_list))
    outcomes = [None] * len(prepared_list)

    def attempt(index, prepared):
        with Session(db.engine_for(database_url), expire_on_commit=False) as session:
            start.wait()
            try:
                account, _ = registration.register(session, prepared, now)
                session.commit()
                outcomes[index] = ("ok", account.login_id)
            except registration.RegistrationError as refused:
                outcomes[index] = ("refused", refused.field)

    threads = [threading.Thread(target=attempt, args=pair) for pair in enumerate(prepared_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def accounts_where(session, condition):
    session.expire_all()
    return session.exec(select(Account).where(condition)).all()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_registrations_for_one_customer_make_one_account(race_db, round_):
    url, session = race_db
    customer, code = add_customer(session)
    prepared = [prepared_for(session, customer, code, login_id(stem)) for stem in ("first", "second")]
    outcomes = race(url, prepared)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert ("refused", CUSTOMER_NUMBER) in outcomes
    assert len(accounts_where(session, Account.customer_id == customer.id)) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_registrations_of_one_login_id_make_one_account(race_db, round_):
    url, session = race_db
    shared = login_id("Aomori")
    pairs = [add_customer(session) for _ in range(2)]
    prepared = [
        prepared_for(session, c, code, typed) for (c, code), typed in zip(pairs, (shared, shared.lower()), strict=True)
    ]
    outcomes = race(url, prepared)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert ("refused", LOGIN_ID) in outcomes
    assert len(accounts_where(session, Account.login_id_folded == shared.lower())) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_registrations_replacing_one_expired_pending_account_make_one_account(race_db, round_):
    url, session = race_db
    customer, code = add_customer(session)
    registration.register(session, prepared_for(session, customer, code, login_id("old")), T0)
    session.commit()
    later = T0 + dt.timedelta(hours=25)
    prepared = [prepared_for(session, customer, code, login_id(stem), later) for stem in ("first", "second")]
    outcomes = race(url, prepared, later)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert len(accounts_where(session, Account.customer_id == customer.id)) == 1
