"""Throttles count IPv4 addresses singly and IPv6 by /64; the lock mail; the proxy setting."""

import datetime as dt
import os

import pytest
from sqlmodel import select

from mypage import audit, netaddr
from mypage.accounts import account_settings, login, recovery
from mypage.models import AuditEvent
from mypage.settings import SettingsError, load
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
PASSWORD = "kumo2024sora"
# Generated secrets stay in the tests' own file, never the checkout's var/.
KEEP = {"MYPAGE_SECRETS_FILE": os.environ["MYPAGE_SECRETS_FILE"]}


@pytest.mark.parametrize(
    ("address", "net"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:0db8:0001:0002::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("not-an-address", "not-an-address"),
        ("", ""),
    ],
)
def test_network(address, net):
    assert netaddr.network(address) == net


def test_every_address_of_an_ipv6_64_shares_one_allowance(dbs):
    make_account(dbs, "Taro01", PASSWORD)
    # A spray across accounts from fresh addresses of one /64: the fourth try needs the CAPTCHA.
    for i, login_id in enumerate(("Taro01", "hanako02", "jiro03"), start=1):
        outcome = login.attempt(dbs, login_id, "wrong-pass1", ip=f"2001:db8:1:2::{i}", now=T0)
        assert outcome.status == login.INVALID
    assert login.captcha_required(dbs, "2001:db8:1:2:ffff::9", T0)
    refused = login.attempt(dbs, "Taro01", PASSWORD, ip="2001:db8:1:2::4", now=T0)
    assert refused.status == login.CAPTCHA
    # Another /64 and IPv4 neighbours are counted on their own.
    assert not login.captcha_required(dbs, "2001:db8:1:3::1", T0)
    event = dbs.exec(select(AuditEvent).where(AuditEvent.ip == "2001:db8:1:2::1")).first()
    assert event.net == "2001:db8:1:2::/64"  # the exact address is kept for the audit trail


def test_ipv4_addresses_count_singly(dbs):
    for _ in range(login.CAPTCHA_AFTER):
        login.attempt(dbs, "nobody", "wrong-pass1", ip="192.0.2.1", now=T0)
    assert login.captcha_required(dbs, "192.0.2.1", T0)
    assert not login.captcha_required(dbs, "192.0.2.2", T0)


def test_recovery_requests_count_by_64(dbs):
    for i in range(recovery.ADDRESS_LIMIT):
        recovery.request_login_id(dbs, "1000000001", "x@example.jp", ip=f"2001:db8:9:9::{i + 1}", now=T0)
    with pytest.raises(recovery.Throttled):
        recovery.request_login_id(dbs, "1000000001", "x@example.jp", ip="2001:db8:9:9:1::1", now=T0)
    assert audit.count(dbs, (recovery.ID_REQUEST,), ip="2001:db8:9:9::abcd", after=T0 - dt.timedelta(hours=1)) == 5


# --- the lock mail ------------------------------------------------------------------------------


def lock(dbs, login_id: str):
    outcome = None
    for i in range(login.FAILURES_TO_LOCK):
        outcome = login.attempt(dbs, login_id, "wrong-pass1", ip=f"192.0.2.{i + 1}", now=T0)
    return outcome


def test_the_owner_of_a_locked_id_gets_the_reset_link(dbs):
    account = make_account(dbs, "Taro01", PASSWORD, email="taro@example.jp")
    outcome = lock(dbs, "taro01")
    assert outcome.status == login.LOCKED and login.LOCK_MAIL_NOTE in outcome.message
    (mail,) = outcome.mails
    assert mail.to == "taro@example.jp" and "ログイン停止" in mail.subject and PASSWORD not in mail.body
    token = mail.body.split("reset-password?token=")[1].split()[0]
    # Still locked for the right password, until the link sets a new one: then at once.
    later = T0 + dt.timedelta(minutes=1)
    assert login.attempt(dbs, "Taro01", PASSWORD, ip="192.0.2.50", now=later).status == login.LOCKED
    done, problem = recovery.reset_password(dbs, token, "Sakura7Mizu", "Sakura7Mizu", ip="192.0.2.50", now=later)
    assert done is not None and problem is None
    assert login.attempt(dbs, "Taro01", "Sakura7Mizu", ip="192.0.2.50", now=later).status == login.OK
    assert done.id == account.id
    # Only the try that locks mails; refusals during the lock do not.
    assert not lock(dbs, "nobody-here").mails


def test_an_unknown_id_gets_the_same_message_and_no_mail(dbs):
    make_account(dbs, "Taro01", PASSWORD)
    known, unknown = lock(dbs, "Taro01"), lock(dbs, "nobody-here")
    assert known.message == unknown.message and not unknown.mails and known.mails


def test_a_lock_by_wrong_current_passwords_mails_too(dbs):
    account = make_account(dbs, "Taro01", PASSWORD, email="taro@example.jp")
    result = None
    for _ in range(login.FAILURES_TO_LOCK):
        result = account_settings.change_login_id(dbs, account.id, "wrong-pass1", "Hanako02", now=T0)
    assert "停止しています" in result.errors[account_settings.CURRENT]
    assert [m.to for m in result.mails] == ["taro@example.jp"]


# --- MYPAGE_TRUSTED_PROXIES ---------------------------------------------------------------------


def test_trusted_proxies_take_addresses_and_ranges():
    settings = load({**KEEP, "MYPAGE_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1 ,2001:db8::/32"})
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.1", "2001:db8::/32")
    assert netaddr.client_ip("10.1.1.1", "198.51.100.9", settings.trusted_proxies) == "198.51.100.9"


@pytest.mark.parametrize("bad", ["10.0.0.l/8", "10.0.0.0/33", "proxy.example", "10.0.0.1,,nope"])
def test_a_bad_proxy_entry_is_named(bad):
    with pytest.raises(SettingsError) as refused:
        load({**KEEP, "MYPAGE_TRUSTED_PROXIES": bad})
    assert str(refused.value).startswith("MYPAGE_TRUSTED_PROXIES") and "\n" not in str(refused.value)
