import datetime as dt

import pytest
from sqlmodel import select

from mypage.accounts import login, recovery, sessions
from mypage.models import AuditEvent, EmailToken
from mypage.security import check_password
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
NEW = "Sakura7Mizuumi"


@pytest.fixture
def account(dbs):
    return make_account(dbs, "Taro01", "kumo2024sora", email="Taro@Example.jp")


def number_of(dbs, account):
    from mypage.models import Customer

    return dbs.get(Customer, account.customer_id).customer_number


def test_login_id_mail_only_when_both_match(dbs, account):
    number = number_of(dbs, account)
    sent = recovery.request_login_id(dbs, number, "ｔａｒｏ@example.jp", ip="192.0.2.1", now=T0)
    assert sent.to == "Taro@Example.jp" and "ログインID: Taro01" in sent.body
    assert recovery.request_login_id(dbs, number, "other@example.jp", ip="192.0.2.2", now=T0) is None
    assert recovery.request_login_id(dbs, "0000000", "Taro@Example.jp", ip="192.0.2.3", now=T0) is None


def test_reset_link_mail_only_when_both_match(dbs, account):
    sent = recovery.request_password_reset(dbs, "TARO01", "taro@example.jp", ip="192.0.2.1", now=T0)
    assert sent.to == "Taro@Example.jp" and "/reset-password?token=" in sent.body
    assert "19:00" in sent.body  # 09:00 UTC is 18:00 in Japan, plus an hour
    assert recovery.request_password_reset(dbs, "Taro01", "x@example.jp", ip="192.0.2.2", now=T0) is None
    assert recovery.request_password_reset(dbs, "Nobody", "taro@example.jp", ip="192.0.2.3", now=T0) is None
    token = sent.body.split("token=")[1].split()[0]
    stored = dbs.exec(select(EmailToken)).one()
    assert token not in stored.token_hash and stored.purpose == "reset"


def test_throttled_per_address(dbs, account):
    for i in range(recovery.ADDRESS_LIMIT):
        recovery.request_login_id(dbs, "1", "a@example.jp", ip="192.0.2.9", now=T0 + dt.timedelta(minutes=i))
    with pytest.raises(recovery.Throttled):
        recovery.request_password_reset(dbs, "Taro01", "taro@example.jp", ip="192.0.2.9", now=T0)
    assert recovery.request_login_id(dbs, "1", "a@example.jp", ip="192.0.2.10", now=T0) is None
    # An hour later the address may ask again.
    recovery.request_login_id(dbs, "1", "a@example.jp", ip="192.0.2.9", now=T0 + dt.timedelta(minutes=65))


def test_throttled_per_account_silently(dbs, account):
    mails = [
        recovery.request_password_reset(dbs, "Taro01", "taro@example.jp", ip=f"192.0.2.{i}", now=T0) for i in range(5)
    ]
    assert [m is not None for m in mails] == [True, True, True, False, False]


def reset_token(dbs, now=T0):
    sent = recovery.request_password_reset(dbs, "Taro01", "taro@example.jp", ip="192.0.2.1", now=now)
    dbs.commit()
    return sent.body.split("token=")[1].split()[0]


def test_visiting_the_link_uses_nothing_and_setting_revokes_all_sessions(dbs, account):
    token = reset_token(dbs)
    live = [sessions.start(dbs, account.id, now=T0) for _ in range(2)]
    for _ in range(3):
        assert recovery.check_reset_token(dbs, token, T0 + dt.timedelta(minutes=5)).id == account.id
    done, problem = recovery.reset_password(dbs, token, NEW, NEW, ip="192.0.2.1", now=T0 + dt.timedelta(minutes=6))
    assert problem is None and done.id == account.id
    dbs.commit()
    assert check_password(NEW, done.password_hash)
    assert all(sessions.resolve(dbs, t, now=T0 + dt.timedelta(minutes=7)) is None for t in live)
    # Single use.
    assert recovery.check_reset_token(dbs, token, T0 + dt.timedelta(minutes=7)) is None
    again, problem = recovery.reset_password(dbs, token, NEW, NEW, ip="192.0.2.1", now=T0 + dt.timedelta(minutes=7))
    assert again is None and problem == recovery.INVALID_LINK
    notice = recovery.password_changed_mail(dbs, done, T0)
    assert notice.to == "Taro@Example.jp" and "0120-442-208" in notice.body


def test_link_expires_after_an_hour(dbs, account):
    token = reset_token(dbs)
    assert recovery.check_reset_token(dbs, token, T0 + dt.timedelta(minutes=59))
    assert recovery.check_reset_token(dbs, token, T0 + dt.timedelta(minutes=60)) is None


def test_password_rules_are_the_registration_rules(dbs, account):
    token = reset_token(dbs)
    for password, confirm in (
        ("abc", "abc"),
        ("password", "password"),
        ("taro01xyz9", "taro01xyz9"),
        (NEW, NEW + "x"),
        ("パスワード日本語です", "パスワード日本語です"),
    ):
        done, problem = recovery.reset_password(dbs, token, password, confirm, ip="1.2.3.4", now=T0)
        assert done is None and problem, password
    # The rejected tries did not use the link up.
    assert recovery.check_reset_token(dbs, token, T0)


def test_reset_clears_the_lockout(dbs, account):
    for i in range(5):
        login.attempt(dbs, "Taro01", "wrong", ip=f"198.51.100.{i}", now=T0)
    assert login.attempt(dbs, "Taro01", "kumo2024sora", ip="203.0.113.1", now=T0).status == login.LOCKED
    token = reset_token(dbs, now=T0 + dt.timedelta(minutes=1))
    recovery.reset_password(dbs, token, NEW, NEW, ip="203.0.113.1", now=T0 + dt.timedelta(minutes=2))
    assert login.attempt(dbs, "Taro01", NEW, ip="203.0.113.1", now=T0 + dt.timedelta(minutes=3)).status == login.OK


def test_older_links_die_with_a_reset(dbs, account):
    first, second = reset_token(dbs), reset_token(dbs, now=T0 + dt.timedelta(minutes=1))
    recovery.reset_password(dbs, second, NEW, NEW, ip="1.2.3.4", now=T0 + dt.timedelta(minutes=2))
    assert recovery.check_reset_token(dbs, first, T0 + dt.timedelta(minutes=3)) is None


def test_requests_are_audited(dbs, account):
    recovery.request_password_reset(dbs, "Taro01", "taro@example.jp", ip="192.0.2.1", now=T0)
    recovery.request_login_id(dbs, "nope", "taro@example.jp", ip="192.0.2.1", now=T0)
    kinds = [e.kind for e in dbs.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    assert kinds == ["recovery_password", "recovery_mail", "recovery_id"]
