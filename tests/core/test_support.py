"""The support desk: `mypage account …`, `mypage notice list|withdraw`, `mypage audit export`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlmodel import Session, select

from mypage import db
from mypage.accounts import login, sessions
from mypage.models import Account, AuditEvent, Customer, EmailToken, Notice, UserSession, utcnow
from mypage.operator import notice_desk, support
from mypage.operator.audit_export import export
from tests.core.clirun import counts, run
from tests.core.factories import make_account

PASSWORD = "kumo2024sora"


def lock(dbs, account: Account, now: dt.datetime) -> None:
    for n in range(login.FAILURES_TO_LOCK):  # from several addresses, so no CAPTCHA is asked
        login.attempt(dbs, account.login_id, "wrong-password1", ip=f"198.51.100.{n}", now=now)
    dbs.commit()


def number_of(dbs, account: Account) -> str:
    return dbs.get(Customer, account.customer_id).customer_number


def events(session: Session, kind: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id)))


@pytest.fixture
def account(dbs) -> Account:
    return make_account(dbs, "Taro01", PASSWORD)


# --- the core -----------------------------------------------------------------------------------


def test_unlock_lets_the_right_password_in_and_names_the_staff(dbs, account):
    now = utcnow()
    lock(dbs, account, now)
    assert login.attempt(dbs, "taro01", PASSWORD, ip="192.0.2.10", now=now).status == login.LOCKED
    done = support.unlock(dbs, number_of(dbs, account), "sato", now)
    dbs.commit()
    assert done == {"login_id": "Taro01", "customer_number": number_of(dbs, account), "was_locked": True}
    assert dbs.get(Account, account.id).locked_until is None
    later = now + dt.timedelta(seconds=1)
    assert login.attempt(dbs, "taro01", PASSWORD, ip="192.0.2.10", now=later).status == login.OK
    (event,) = events(dbs, support.UNLOCKED)
    assert event.detail == "staff=sato; was locked" and event.account_id == account.id


def test_show_tells_status_lock_and_sessions_but_no_secret(dbs, account):
    now = utcnow()
    lock(dbs, account, now)
    sessions.start(dbs, account.id, ip="192.0.2.7", user_agent="Firefox", now=now)
    dbs.commit()
    info = support.show(dbs, "ＴＡＲＯ０１", "sato", now)
    assert info["login_id"] == "Taro01" and info["status"] == "active" and info["email"] == "taro@example.jp"
    assert info["lockouts"] == 1 and info["locked_until"] is not None
    assert [(s["ip"], s["user_agent"]) for s in info["sessions"]] == [("192.0.2.7", "Firefox")]
    assert info["pending_verification"] is False and info["pending_email"] is None
    shown = json.dumps(info, ensure_ascii=False)
    stored = dbs.get(Account, account.id)
    for secret in (stored.password_hash, *(s.token_hash for s in dbs.exec(select(UserSession)))):
        assert secret not in shown
    assert "hash" not in shown and "token" not in shown
    assert events(dbs, support.SHOWN)[0].detail == "staff=sato"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "account: give a customer number or a login ID"),
        ("nobody", "account: no customer number or login ID 'nobody'"),
    ],
)
def test_an_unknown_account_is_named(dbs, account, key, message):
    with pytest.raises(support.SupportError) as caught:
        support.show(dbs, key, "sato")
    assert str(caught.value) == message


def test_a_customer_without_account_is_told_so(dbs):
    dbs.add(Customer(customer_number="1000000777", name="三沢 美咲"))
    dbs.commit()
    with pytest.raises(support.SupportError, match="customer 1000000777 has no MyPage account yet"):
        support.unlock(dbs, "1000000777", "sato")


def test_resend_only_for_pending_accounts(dbs, account):
    with pytest.raises(support.SupportError, match="verified already"):
        support.resend_verification(dbs, "Taro01", "sato")
    pending = make_account(dbs, "Hanako9", status="pending", email="hanako@example.jp")
    done = support.resend_verification(dbs, "hanako9", "sato")
    dbs.commit()
    assert done["email"] == "hanako@example.jp"
    assert dbs.exec(select(EmailToken).where(EmailToken.account_id == pending.id)).first() is not None
    assert support.show(dbs, "hanako9", "sato")["pending_verification"] is True


def test_end_sessions_ends_every_live_session(dbs, account):
    now = utcnow()
    tokens = [sessions.start(dbs, account.id, ip="192.0.2.1", now=now) for _ in range(2)]
    dbs.commit()
    assert support.end_sessions(dbs, "Taro01", "sato", now)["ended"] == 2
    dbs.commit()
    assert all(sessions.resolve(dbs, token, now=now) is None for token in tokens)
    assert events(dbs, support.SESSIONS_ENDED)[0].detail == "staff=sato; 2 ended"


@pytest.mark.parametrize(("name", "ok"), [("  sato ", True), ("", False), ("x" * 51, False)])
def test_the_staff_name_is_required_and_short(name, ok):
    if ok:
        assert support.staff_name(name) == "sato"
    else:
        with pytest.raises(support.SupportError):
            support.staff_name(name)


def test_withdraw_ends_a_notice_and_lists_it_as_ended(dbs):
    now = utcnow()
    notice = Notice(title="休止のお知らせ", body="本文", starts_at=now - dt.timedelta(days=1))
    dbs.add(notice)
    dbs.commit()
    assert [n["state"] for n in notice_desk.notice_list(dbs, now)] == ["shown"]
    done = notice_desk.withdraw(dbs, str(notice.id), "sato", now)
    dbs.commit()
    assert done["id"] == notice.id
    later = now + dt.timedelta(seconds=1)
    assert [n["state"] for n in notice_desk.notice_list(dbs, later)] == ["ended"]
    with pytest.raises(support.SupportError, match="ended already"):
        notice_desk.withdraw(dbs, str(notice.id), "sato", later)
    for bad in ("999", "abc", ""):
        with pytest.raises(support.SupportError, match="no notice has the id"):
            notice_desk.withdraw(dbs, bad, "sato", later)


def test_audit_export_for_one_customer_since_a_day(dbs, account):
    other = make_account(dbs, "Jiro02")
    now = utcnow()
    lock(dbs, account, now)
    login.attempt(dbs, "jiro02", PASSWORD, ip="192.0.2.3", now=now)
    dbs.commit()
    text = "".join(export(dbs, "sato", customer=number_of(dbs, account), fmt="csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["subject"] == "taro01" for r in rows)
    assert {"login_failed", "login_locked"} <= {r["kind"] for r in rows}
    assert list(rows[0]) == ["id", "at", "kind", "subject", "account_id", "ip", "detail"]
    everyone = json.loads("".join(export(dbs, "sato", fmt="json")))
    assert any(e["account_id"] == other.id for e in everyone)
    assert json.loads("".join(export(dbs, "sato", since="2999-01-01", fmt="json"))) == []
    dbs.commit()
    assert events(dbs, "audit_exported")[0].detail.startswith("staff=sato; customer=9")
    for kwargs, field in (({"customer": "404"}, "customer"), ({"since": "yesterday"}, "since")):
        with pytest.raises(support.SupportError) as caught:
            export(dbs, "sato", **kwargs)
        assert caught.value.field == field


# --- the commands -------------------------------------------------------------------------------


@pytest.fixture
def locked(database_url) -> str:
    """A locked account in the command's database; its customer number."""
    with Session(db.engine_for(database_url), expire_on_commit=False) as session:
        account = make_account(session, "Taro01", PASSWORD)
        lock(session, account, utcnow())
        return number_of(session, account)


def test_account_commands(database_url, locked, tmp_path):
    shown = run(database_url, "account", "show", locked, "--json", "--staff", "sato")
    assert shown.returncode == 0, shown.stderr
    info = json.loads(shown.stdout)
    assert info["login_id"] == "Taro01" and info["locked_until"] is not None
    text = run(database_url, "account", "show", "taro01")
    assert "ログインID: Taro01" in text.stdout and "ロック解除予定: 20" in text.stdout
    unlocked = run(database_url, "account", "unlock", "taro01", "--json", "--staff", "sato")
    assert json.loads(unlocked.stdout)["was_locked"] is True
    assert run(database_url, "account", "unlock", "taro01").stdout.strip() == (
        "Taro01 was not locked; its failed logins are forgotten"
    )
    ended = run(database_url, "account", "end-sessions", locked)
    assert ended.returncode == 0 and ended.stdout.strip() == "0 session(s) of Taro01 ended"
    refused = run(database_url, "account", "resend-verification", locked, MYPAGE_OUTBOX_DIR=str(tmp_path))
    assert refused.returncode == 1 and "verified already" in refused.stderr
    with Session(db.engine_for(database_url)) as session:
        kinds = [e.kind for e in session.exec(select(AuditEvent).where(AuditEvent.detail.like("staff=%")))]
        staff = {
            e.detail.split(";")[0] for e in session.exec(select(AuditEvent).where(AuditEvent.kind == "login_unlocked"))
        }
    assert kinds.count(support.SHOWN) == 2 and kinds.count(support.UNLOCKED) == 2
    assert "staff=sato" in staff and len(staff) == 2  # the other one is the OS user


def test_resend_verification_command_mails_the_link(database_url, tmp_path):
    with Session(db.engine_for(database_url)) as session:
        make_account(session, "Hanako9", status="pending", email="hanako@example.jp")
    done = run(database_url, "account", "resend-verification", "HANAKO9", "--json", MYPAGE_OUTBOX_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["email"] == "hanako@example.jp"
    assert len(list(tmp_path.glob("*.eml"))) == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["account", "show", "nobody"], "Error: account: no customer number or login ID 'nobody'"),
        (["account", "unlock"], "Missing argument"),
        (["account", "unlock", "taro01", "--staff", ""], "--staff: give the name of the staff member"),
        (["notice", "withdraw", "42"], "Error: id: no notice has the id '42'"),
        (["audit", "export", "--customer", "404"], "Error: customer: no customer has the number '404'"),
        (["audit", "export", "--since", "2026-13-01"], "Error: since: must be a date YYYY-MM-DD"),
        (["audit", "export", "--format", "xml"], "--format"),
    ],
)
def test_bad_input_exits_1_and_writes_nothing(database_url, locked, args, says):
    before = counts(database_url)
    done = run(database_url, *args)
    assert done.returncode == 1
    assert says in done.stderr and "Traceback" not in done.stderr
    assert counts(database_url) == before


def test_notice_and_audit_commands(database_url, locked):
    added = run(database_url, "notice", "add", "--title", "休止のお知らせ", "--body", "本文")
    notice_id = added.stdout.strip()
    listed = json.loads(run(database_url, "notice", "list", "--json").stdout)["notices"]
    assert [(n["id"], n["state"]) for n in listed] == [(int(notice_id), "shown")]
    assert "掲載中\t全員" in run(database_url, "notice", "list").stdout
    done = run(database_url, "notice", "withdraw", notice_id, "--staff", "sato", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["id"] == int(notice_id)
    assert json.loads(run(database_url, "notice", "list", "--json").stdout)["notices"][0]["state"] == "ended"
    again = run(database_url, "notice", "withdraw", notice_id)
    assert again.returncode == 1 and "ended already" in again.stderr
    exported = run(database_url, "audit", "export", "--customer", locked, "--format", "json", "--since", "2020-01-01")
    assert exported.returncode == 0, exported.stderr
    assert {e["kind"] for e in json.loads(exported.stdout)} >= {"login_failed", "login_locked"}
    as_csv = run(database_url, "audit", "export")
    assert as_csv.stdout.startswith("id,at,kind,subject,account_id,ip,detail\n")  # CRLF, read as text
    assert "notice_withdrawn" in as_csv.stdout and "staff=sato; 休止のお知らせ" in as_csv.stdout
