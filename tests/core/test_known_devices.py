"""新しい端末からのログインのお知らせ: the device cookie's id and the mail on a browser new to the account."""

import datetime as dt

from sqlmodel import select

from mypage.accounts import known_devices
from mypage.models import AuditEvent
from mypage.settings import get_settings
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def test_first_sign_in_mails_nothing_a_new_browser_mails_a_known_one_does_not(dbs):
    account = make_account(dbs, email="taro@example.jp")
    first = known_devices.signed_in(dbs, account.id, None, ip="192.0.2.1", user_agent=UA, now=T0)
    assert first.mails == () and len(first.device) >= 32

    again = known_devices.signed_in(dbs, account.id, first.device, ip="192.0.2.1", now=T0)
    assert again.mails == () and again.device == first.device and not again.new_device

    other = known_devices.signed_in(dbs, account.id, None, ip="198.51.100.7", user_agent=UA, now=T0)
    assert other.new_device and other.device != first.device
    (sent,) = other.mails
    assert sent.to == "taro@example.jp"
    assert "新しい端末からのログイン" in sent.subject
    assert "2026年11月25日 18:00" in sent.body
    assert "Chrome（Windows）" in sent.body
    assert "198.51.100.7" in sent.body
    assert f"{get_settings().base_url.rstrip('/')}/forgot-password" in sent.body
    assert "すべての端末がログアウト" in sent.body

    # The second browser is known from now on.
    assert known_devices.signed_in(dbs, account.id, other.device, now=T0).mails == ()


def test_a_browser_known_to_one_account_is_new_to_another(dbs):
    taro = make_account(dbs, email="taro@example.jp")
    hanako = make_account(dbs, "Hanako2", email="hanako@example.jp")
    known_devices.signed_in(dbs, hanako.id, None, now=T0)  # hanako's first sign-in elsewhere
    shared = known_devices.signed_in(dbs, taro.id, None, now=T0).device
    (sent,) = known_devices.signed_in(dbs, hanako.id, shared, now=T0).mails
    assert sent.to == "hanako@example.jp"


def test_malformed_device_ids_are_replaced_and_the_cookie_is_parsed():
    name = known_devices.cookie_name()
    good = "A" * 43
    assert known_devices.device_from_cookie_header(f"other=1; {name}={good}") == good
    assert known_devices.device_from_cookie_header(f"{name}=short") is None
    assert known_devices.device_from_cookie_header(f'{name}="a;b"') is None
    assert known_devices.device_from_cookie_header("") is None


def test_the_device_is_kept_hashed_in_the_audit_trail(dbs):
    account = make_account(dbs)
    device = known_devices.signed_in(dbs, account.id, "not a device id!", ip="192.0.2.1", now=T0).device
    assert device != "not a device id!"
    event = dbs.exec(select(AuditEvent).where(AuditEvent.kind == known_devices.SESSION_START)).one()
    assert device not in event.subject and event.subject.startswith("device:")
