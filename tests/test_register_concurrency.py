"""Two 登録する at the same moment, each on its own connection to a real database file."""

import threading

import pytest
from sqlmodel import Session, select

from mypage import accounts, captcha, db
from mypage.models import Account
from mypage.validation import CUSTOMER_NUMBER, LOGIN_ID
from tests.register_factories import T0, add_customer, form

ROUNDS = 5


def prepared_for(session, customer, code, login_id):
    challenge_id, _ = captcha.new_challenge(session, T0)
    _, prepared, errors = accounts.prepare(session, form(customer, code, login_id=login_id), challenge_id, T0)
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
                account, _ = accounts.register(session, prepared, now)
                session.commit()
                outcomes[index] = ("ok", account.login_id)
            except accounts.RegistrationError as refused:
                outcomes[index] = ("refused", refused.field)

    threads = [threading.Thread(target=attempt, args=pair) for pair in enumerate(prepared_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_registrations_for_one_customer_make_one_account(dbs, database_url, round_):
    customer, code = add_customer(dbs)
    prepared = [prepared_for(dbs, customer, code, login_id) for login_id in ("first01", "second01")]
    outcomes = race(database_url, prepared)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert ("refused", CUSTOMER_NUMBER) in outcomes
    dbs.expire_all()
    assert len(dbs.exec(select(Account).where(Account.customer_id == customer.id)).all()) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_registrations_of_one_login_id_make_one_account(dbs, database_url, round_):
    pairs = [add_customer(dbs) for _ in range(2)]
    prepared = [prepared_for(dbs, c, code, login_id) for (c, code), login_id in zip(pairs, ("Aomori01", "aomori01"),
                                                                                   strict=True)]
    outcomes = race(database_url, prepared)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    assert ("refused", LOGIN_ID) in outcomes
    dbs.expire_all()
    assert len(dbs.exec(select(Account).where(Account.login_id_folded == "aomori01")).all()) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_registrations_replacing_one_expired_pending_account_make_one_account(dbs, database_url, round_):
    import datetime as dt

    customer, code = add_customer(dbs)
    old = prepared_for(dbs, customer, code, "old01")
    accounts.register(dbs, old, T0)
    dbs.commit()
    later = T0 + dt.timedelta(hours=25)
    prepared = []
    for login_id in ("first01", "second01"):
        challenge_id, _ = captcha.new_challenge(dbs, later)
        _, ready, errors = accounts.prepare(dbs, form(customer, code, login_id=login_id), challenge_id, later)
        dbs.commit()
        assert errors == {}
        prepared.append(ready)
    outcomes = race(database_url, prepared, later)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    dbs.expire_all()
    assert len(dbs.exec(select(Account).where(Account.customer_id == customer.id)).all()) == 1
