"""セキュリティ設定's core: live sessions with their browsers, signing out one, the sign-in history."""

import datetime as dt

from sqlmodel import select

from mypage.accounts import account_settings, devices, login, sessions
from mypage.models import AuditEvent, UserSession
from tests.core.factories import make_account

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
PASSWORD = "kumo2024sora"


def test_browser_label_in_plain_words():
    assert devices.browser_label(CHROME_WINDOWS) == "Chrome（Windows）"
    assert devices.browser_label(SAFARI_IPHONE) == "Mobile Safari（iOS）"
    assert devices.browser_label("") == "不明なブラウザ"
    assert devices.browser_label("zz-nonsense") == "不明なブラウザ"
    assert devices.browser_label("curl/8.5.0") == "curl"


def test_devices_lists_live_sessions_this_one_first(dbs):
    account = make_account(dbs)
    other = make_account(dbs, "Hanako2", email="hanako@example.jp")
    mine = sessions.start(dbs, account.id, ip="192.0.2.1", user_agent=CHROME_WINDOWS, now=T0)
    phone = sessions.start(
        dbs, account.id, ip="198.51.100.7", user_agent=SAFARI_IPHONE, now=T0 + dt.timedelta(minutes=5)
    )
    ended = sessions.start(dbs, account.id, ip="192.0.2.9", now=T0)
    sessions.revoke(dbs, ended, now=T0)
    sessions.start(dbs, other.id, ip="203.0.113.1", now=T0)
    sessions.start(dbs, account.id, ip="192.0.2.2", now=T0 - dt.timedelta(days=3))  # timed out
    dbs.commit()

    listed = devices.devices(dbs, account.id, mine, now=T0 + dt.timedelta(minutes=10))

    assert [(d.ip, d.current) for d in listed] == [("192.0.2.1", True), ("198.51.100.7", False)]
    assert listed[0].browser == "Chrome（Windows）"
    assert listed[1].browser == "Mobile Safari（iOS）"
    assert listed[0].started == "2026年11月25日 18:00"  # Japan time
    assert listed[1].last_active == "2026年11月25日 18:05"
    assert sessions.resolve(dbs, phone, now=T0 + dt.timedelta(minutes=10), touch=False) is not None


def test_end_device_signs_out_that_one_only(dbs):
    account = make_account(dbs)
    mine = sessions.start(dbs, account.id, ip="192.0.2.1", now=T0)
    phone = sessions.start(dbs, account.id, ip="198.51.100.7", now=T0)
    third = sessions.start(dbs, account.id, ip="198.51.100.8", now=T0)
    dbs.commit()
    phone_id = sessions.find(dbs, phone).id
    later = T0 + dt.timedelta(minutes=1)

    assert devices.end_device(dbs, account.id, phone_id, mine, ip="192.0.2.1", now=later)
    dbs.commit()

    assert sessions.resolve(dbs, phone, now=later) is None
    assert sessions.resolve(dbs, mine, now=later) is not None
    assert sessions.resolve(dbs, third, now=later) is not None
    event = dbs.exec(select(AuditEvent).where(AuditEvent.kind == devices.SESSION_ENDED)).one()
    assert (event.account_id, event.ip) == (account.id, "192.0.2.1")
    # Again: nothing left to end.
    assert not devices.end_device(dbs, account.id, phone_id, mine, now=later)


def test_end_device_refuses_own_foreign_and_unknown_sessions(dbs):
    account = make_account(dbs)
    stranger = make_account(dbs, "Hanako2", email="hanako@example.jp")
    mine = sessions.start(dbs, account.id, now=T0)
    theirs = sessions.start(dbs, stranger.id, now=T0)
    dbs.commit()
    later = T0 + dt.timedelta(minutes=1)

    assert not devices.end_device(dbs, account.id, sessions.find(dbs, mine).id, mine, now=later)
    assert not devices.end_device(dbs, account.id, sessions.find(dbs, theirs).id, mine, now=later)
    assert not devices.end_device(dbs, account.id, 99999, mine, now=later)
    dbs.commit()
    assert sessions.resolve(dbs, mine, now=later) is not None
    assert sessions.resolve(dbs, theirs, now=later) is not None
    assert dbs.exec(select(UserSession).where(UserSession.revoked_at.is_not(None))).all() == []


def test_history_shows_the_accounts_sign_ins_newest_first(dbs):
    account = make_account(dbs, password=PASSWORD)
    login.attempt(dbs, "Taro01", "wrong-one", ip="192.0.2.1", now=T0, user_agent=SAFARI_IPHONE)
    login.attempt(dbs, "taro01", PASSWORD, ip="192.0.2.2", now=T0 + dt.timedelta(minutes=1), user_agent=CHROME_WINDOWS)
    login.attempt(dbs, "nobody", "wrong", ip="192.0.2.3", now=T0 + dt.timedelta(minutes=2))
    # A wrong current password on ID・パスワード変更 is not a sign-in.
    account_settings.check_current_password(dbs, account, "wrong", ip="192.0.2.4", now=T0 + dt.timedelta(minutes=3))
    dbs.commit()

    rows = devices.history(dbs, account.id)

    assert [(r.result, r.ok, r.ip, r.browser) for r in rows] == [
        ("成功", True, "192.0.2.2", "Chrome（Windows）"),
        ("失敗（パスワード誤り）", False, "192.0.2.1", "Mobile Safari（iOS）"),
    ]
    assert rows[0].at == "2026年11月25日 18:01"


def test_history_shows_lockout_and_keeps_the_last_twenty(dbs):
    account = make_account(dbs, password=PASSWORD)
    for i in range(login.FAILURES_TO_LOCK + 1):
        # Each from its own address, so that the address's CAPTCHA does not come first.
        login.attempt(dbs, "Taro01", "wrong", ip=f"192.0.2.{i + 1}", now=T0 + dt.timedelta(seconds=i))
    dbs.commit()
    results = [r.result for r in devices.history(dbs, account.id)]
    assert results[:3] == ["失敗（ロック中）", "失敗（ロックされました）", "失敗（パスワード誤り）"]

    for i in range(30):
        login.attempt(dbs, "Taro01", "wrong", ip=f"192.0.2.{i + 10}", now=T0 + dt.timedelta(days=2, seconds=i))
    dbs.commit()
    assert len(devices.history(dbs, account.id)) == devices.HISTORY_SIZE
