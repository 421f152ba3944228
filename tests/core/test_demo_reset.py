"""`mypage demo --reset`: after a walk through sign-up the same demo customer can register again."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import select

from mypage.accounts import captcha, login, registration
from mypage.accounts.validation import AUTH_CODE, CUSTOMER_NUMBER
from mypage.models import (
    Account,
    AuditEvent,
    AuthCode,
    Customer,
    EmailToken,
    Invoice,
    Notice,
    NoticeRead,
    PaymentMethod,
    UserSession,
)
from mypage.operator import demo, demo_reset
from mypage.operator.customers import store_auth_code
from mypage.settings import get_settings
from tests.core.clirun import counts, run
from tests.register.factories import form

# 2026-11-25 10:00 in Japan.
NOW = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=2)
FULL = next(c for c in demo.CUSTOMERS if c.kind == "full")


@pytest.fixture(autouse=True)
def no_mail(monkeypatch):
    monkeypatch.setattr(registration.mail, "send", lambda to, subject, body: None)


@pytest.fixture
def loaded(dbs):
    demo.load(dbs, NOW)
    dbs.commit()


def prepare(dbs, login_id: str, code: str = FULL.auth_code, now: dt.datetime = NOW):
    customer = dbs.exec(select(Customer).where(Customer.customer_number == FULL.customer_number)).one()
    challenge_id, _ = captcha.new_challenge(dbs, now)
    result = registration.prepare(dbs, form(customer, code, login_id=login_id), challenge_id, now, ip="192.0.2.1")
    dbs.commit()
    return result


def sign_up(dbs, login_id: str, now: dt.datetime = NOW) -> Account:
    _, prepared, errors = prepare(dbs, login_id, now=now)
    assert errors == {}
    account, token = registration.register(dbs, prepared, now)
    registration.verify(dbs, token, now)
    dbs.commit()
    return account


def test_after_a_registration_reset_lets_the_same_customer_register_again(dbs, loaded):
    sign_up(dbs, "taro01")
    _, _, errors = prepare(dbs, "taro02")
    assert errors == {CUSTOMER_NUMBER: registration.ACCOUNT_EXISTS}

    report = demo_reset.reset(dbs, LATER)
    dbs.commit()

    assert {c["kind"]: c["has_account"] for c in report} == {
        "full": False,
        "internet": False,
        "nobills": False,
        "registered": True,
    }
    account = sign_up(dbs, "taro01", now=LATER)
    assert account.status == "active"


def test_reset_brings_back_the_codes_bills_card_and_notices_of_the_first_load(dbs, loaded):
    first = {c["kind"]: c for c in demo.load(dbs, NOW)}
    bills_before = len(dbs.exec(select(Invoice)).all())
    full = dbs.exec(select(Customer).where(Customer.customer_number == FULL.customer_number)).one()
    # What a walk through the demo changes: a paid bill, another card, a new code, notices.
    newest = dbs.exec(select(Invoice).where(Invoice.customer_id == full.id).order_by(Invoice.period.desc())).first()
    newest.status, newest.paid_on = "paid", NOW.date()
    internet = dbs.exec(select(Customer).where(Customer.customer_number == "1000000002")).one()
    card = dbs.exec(select(PaymentMethod).where(PaymentMethod.customer_id == internet.id)).one()
    card.last4 = "1111"
    store_auth_code(dbs, full, "Zz9yXx8wVv7u", NOW, expires_at=None, revoke_previous=True)
    dbs.add(Notice(title="テストのお知らせ", body="本人向け", customer_id=full.id, starts_at=NOW))
    renewal = dbs.exec(select(Notice).where(Notice.title == demo.NOTICES[0][0])).one()
    renewal.body = "書き換えた本文"
    dbs.commit()

    report = {c["kind"]: c for c in demo_reset.reset(dbs, NOW)}
    dbs.commit()

    assert report == first
    assert len(dbs.exec(select(Invoice)).all()) == bills_before
    full = dbs.exec(select(Customer).where(Customer.customer_number == FULL.customer_number)).one()
    newest = dbs.exec(select(Invoice).where(Invoice.customer_id == full.id).order_by(Invoice.period.desc())).first()
    assert newest.status == "scheduled" and newest.paid_on is None
    internet = dbs.exec(select(Customer).where(Customer.customer_number == "1000000002")).one()
    assert dbs.exec(select(PaymentMethod).where(PaymentMethod.customer_id == internet.id)).one().last4 == "4242"
    codes = dbs.exec(select(AuthCode).where(AuthCode.customer_id == full.id)).all()
    assert len(codes) == 1 and codes[0].revoked_at is None
    titles = sorted(n.title for n in dbs.exec(select(Notice)))
    assert titles == sorted(title for title, *_ in demo.NOTICES)
    assert dbs.exec(select(Notice).where(Notice.title == demo.NOTICES[0][0])).one().body == demo.NOTICES[0][1]


def test_reset_clears_the_demo_logins_lockouts_and_sessions(dbs, loaded):
    hanako = dbs.exec(select(Account).where(Account.login_id_folded == "hanako01")).one()
    dbs.add(UserSession(account_id=hanako.id, token_hash="h" * 64))
    notice = dbs.exec(select(Notice)).first()
    dbs.add(NoticeRead(notice_id=notice.id, account_id=hanako.id))
    dbs.add(EmailToken(account_id=hanako.id, purpose="reset", token_hash="t" * 64, expires_at=LATER))
    for _ in range(login.FAILURES_TO_LOCK):
        challenge_id, _ = captcha.new_challenge(dbs, NOW)
        login.attempt(
            dbs, "hanako01", "wrong-password", ip="192.0.2.1", captcha_id=challenge_id, captcha_answer="PASSED", now=NOW
        )
        dbs.commit()
    for _ in range(registration.CODE_FAILURES_TO_LOCK):
        _, _, errors = prepare(dbs, "taro01", code="ABCDEFGHJKLM")
    assert registration.code_locked_until(dbs, FULL.customer_number, NOW)
    assert login.lock_state(dbs, "hanako01", NOW).locked_until

    demo_reset.reset(dbs, NOW)
    dbs.commit()

    assert login.lock_state(dbs, "hanako01", NOW).locked_until is None
    assert registration.code_locked_until(dbs, FULL.customer_number, NOW) is None
    assert dbs.exec(select(UserSession)).all() == []
    assert dbs.exec(select(NoticeRead)).all() == []
    assert dbs.exec(select(EmailToken)).all() == []
    _, _, errors = prepare(dbs, "taro01")
    assert AUTH_CODE not in errors and errors == {}


def test_reset_leaves_other_customers_alone_and_is_audited(dbs, loaded):
    other = Customer(customer_number="3000000001", name="八戸 次郎")
    dbs.add(other)
    dbs.flush()
    dbs.add(Notice(title="運用のお知らせ", body="全員向け", starts_at=NOW))
    dbs.commit()

    demo_reset.reset(dbs, NOW, staff="designer")
    dbs.commit()

    assert dbs.exec(select(Customer).where(Customer.customer_number == "3000000001")).one().name == "八戸 次郎"
    assert dbs.exec(select(Notice).where(Notice.title == "運用のお知らせ")).one()
    event = dbs.exec(select(AuditEvent).where(AuditEvent.kind == demo_reset.RESET_KIND)).one()
    assert "designer" in event.detail and event.at == NOW


def test_reset_is_refused_in_production(dbs, loaded):
    production = dataclasses.replace(get_settings(), env="production")
    with pytest.raises(demo.DemoRefused):
        demo_reset.reset(dbs, NOW, settings=production)


def test_cli_reset_after_a_sign_up(database_url):
    assert run(database_url, "demo").returncode == 0
    done = run(database_url, "demo", "--reset", "--json")
    assert done.returncode == 0, done.stderr
    assert '"has_account": false' in done.stdout
    assert counts(database_url)["account"] == 1


def test_cli_reset_is_refused_in_production(database_url):
    done = run(
        database_url,
        "demo",
        "--reset",
        MYPAGE_ENV="production",
        MYPAGE_SECRET_KEY="p" * 40,
        MYPAGE_CAPTCHA_TEST_MODE="0",
    )
    assert done.returncode == 1
    assert "production" in done.stderr
    assert counts(database_url)["customer"] == 0
