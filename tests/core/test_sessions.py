import datetime as dt

import pytest
from sqlmodel import select

from mypage import routes
from mypage.accounts import sessions
from mypage.models import UserSession
from mypage.security import hash_token
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def account(dbs):
    return make_account(dbs)


def test_start_stores_only_the_hash_and_a_new_token_each_time(dbs, account):
    first = sessions.start(dbs, account.id, ip="192.0.2.1", now=T0)
    second = sessions.start(dbs, account.id, now=T0)
    assert first != second and len(first) >= 43
    rows = dbs.exec(select(UserSession)).all()
    assert {r.token_hash for r in rows} == {hash_token(first), hash_token(second)}
    assert all(first not in r.token_hash for r in rows)
    assert account.last_login_at == T0


def test_resolve_checks_revocation(dbs, account):
    token = sessions.start(dbs, account.id, now=T0)
    assert sessions.resolve(dbs, token, now=T0).account_id == account.id
    assert sessions.resolve(dbs, "not-a-token", now=T0) is None
    assert sessions.resolve(dbs, None, now=T0) is None
    assert sessions.revoke(dbs, token, now=T0) == account.id
    assert sessions.resolve(dbs, token, now=T0) is None


def test_idle_timeout_and_touch(dbs, account):
    token = sessions.start(dbs, account.id, now=T0)
    # 29 minutes idle: alive, and using it resets the idle clock.
    assert sessions.resolve(dbs, token, now=T0 + dt.timedelta(minutes=29)) is not None
    assert sessions.resolve(dbs, token, now=T0 + dt.timedelta(minutes=58)) is not None
    assert sessions.resolve(dbs, token, now=T0 + dt.timedelta(minutes=88)) is None


def test_check_without_touch_does_not_extend(dbs, account):
    token = sessions.start(dbs, account.id, now=T0)
    for minute in (10, 20, 29):
        assert sessions.resolve(dbs, token, now=T0 + dt.timedelta(minutes=minute), touch=False)
    assert sessions.resolve(dbs, token, now=T0 + dt.timedelta(minutes=30), touch=False) is None


def test_absolute_timeout_even_when_busy(dbs, account):
    token = sessions.start(dbs, account.id, now=T0)
    now = T0
    while now < T0 + dt.timedelta(hours=12) - dt.timedelta(minutes=10):
        now += dt.timedelta(minutes=10)
        assert sessions.resolve(dbs, token, now=now) is not None
    assert sessions.resolve(dbs, token, now=T0 + dt.timedelta(hours=12)) is None


def test_idle_remaining_and_extend(dbs, account):
    token = sessions.start(dbs, account.id, now=T0)
    row = sessions.resolve(dbs, token, now=T0 + dt.timedelta(minutes=26), touch=False)
    assert sessions.idle_remaining(row, T0 + dt.timedelta(minutes=26)) == dt.timedelta(minutes=4)
    assert sessions.idle_remaining(row, T0 + dt.timedelta(minutes=26)) <= sessions.warn_before()
    sessions.extend(dbs, token, now=T0 + dt.timedelta(minutes=26))
    assert sessions.idle_remaining(row, T0 + dt.timedelta(minutes=26)) == dt.timedelta(minutes=30)
    # The absolute limit caps what is left.
    assert sessions.idle_remaining(row, T0 + dt.timedelta(hours=11, minutes=50)) == dt.timedelta(0)


def test_revoke_all_keeps_the_current_one_if_asked(dbs, account):
    other = make_account(dbs, "Hanako", email="hanako@example.jp")
    a, b, c = (sessions.start(dbs, account.id, now=T0) for _ in range(3))
    theirs = sessions.start(dbs, other.id, now=T0)
    assert sessions.revoke_all_for_account(dbs, account.id, now=T0, keep_token=a) == 2
    assert sessions.resolve(dbs, a, now=T0) and sessions.resolve(dbs, theirs, now=T0)
    assert not sessions.resolve(dbs, b, now=T0) and not sessions.resolve(dbs, c, now=T0)
    assert sessions.revoke_all_for_account(dbs, account.id, now=T0) == 1


def test_ticket_is_single_use_and_short_lived(dbs, account):
    ticket = sessions.issue_ticket(dbs, account.id, now=T0)
    assert sessions.redeem_ticket(dbs, ticket, now=T0 + dt.timedelta(seconds=5)) == account.id
    assert sessions.redeem_ticket(dbs, ticket, now=T0 + dt.timedelta(seconds=6)) is None
    late = sessions.issue_ticket(dbs, account.id, now=T0)
    assert sessions.redeem_ticket(dbs, late, now=T0 + dt.timedelta(minutes=1)) is None
    assert sessions.redeem_ticket(dbs, "", now=T0) is None
    assert sessions.redeem_ticket(dbs, "forged", now=T0) is None


def test_cookie_parsing():
    assert sessions.token_from_cookie_header("a=1; mypage_session=abc-DEF_1; b=2") == "abc-DEF_1"
    assert sessions.token_from_cookie_header("a=1") is None
    assert sessions.token_from_cookie_header("") is None
    assert sessions.token_from_cookie_header('bad"cookie') is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/bills", "/bills"),
        ("/bills?month=2026-10", "/bills?month=2026-10"),
        (None, routes.HOME),
        ("", routes.HOME),
        ("https://evil.example/", routes.HOME),
        ("//evil.example/", routes.HOME),
        ("/\\evil.example/", routes.HOME),
        ("javascript:alert(1)", routes.HOME),
        ("/_mypage/session/end", routes.HOME),
        ("/", routes.HOME),
        ("/bills\r\nSet-Cookie: x=1", routes.HOME),
    ],
)
def test_safe_next(given, expected):
    assert sessions.safe_next(given) == expected
