"""`mypage purge`: what has expired goes, everything else stays (invoices above all)."""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session, select

from mypage import db
from mypage.accounts import captcha, sessions
from mypage.models import AuditEvent, CaptchaChallenge, EmailToken, Invoice, UserSession
from mypage.operator.purge import purge
from mypage.settings import load
from tests.core.clirun import counts, run
from tests.core.factories import make_account
from tests.member_data import invoices

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def fill(s: Session) -> None:
    """Rows of each kind on either side of their limits, marked keep: or gone: ."""
    account = make_account(s, "Purge01")
    pending = make_account(s, "Pending01", status="pending", email="pending@example.jp")
    settings = load({})
    idle, absolute = sessions.idle_limit(settings), sessions.absolute_limit(settings)
    rows = [
        # sessions: marker in user_agent
        UserSession(account_id=account.id, token_hash="s1", user_agent="keep:alive", last_seen_at=NOW, created_at=NOW),
        UserSession(account_id=account.id, token_hash="s2", user_agent="keep:revoked-yesterday",
                    created_at=NOW - 2 * DAY, last_seen_at=NOW - 2 * DAY, revoked_at=NOW - DAY),
        UserSession(account_id=account.id, token_hash="s3", user_agent="gone:revoked-long-ago",
                    created_at=NOW - 30 * DAY, last_seen_at=NOW - 30 * DAY, revoked_at=NOW - 20 * DAY),
        UserSession(account_id=account.id, token_hash="s4", user_agent="gone:idle-long-ago",
                    created_at=NOW - 9 * DAY - idle, last_seen_at=NOW - 8 * DAY - idle),
        UserSession(account_id=account.id, token_hash="s5", user_agent="gone:absolute-long-ago",
                    created_at=NOW - 8 * DAY - absolute, last_seen_at=NOW - 7 * DAY - dt.timedelta(minutes=1)),
        # tokens: marker in email
        EmailToken(account_id=pending.id, purpose="verify", token_hash="t1", email="keep:pending-verification",
                   expires_at=NOW + DAY),
        EmailToken(account_id=account.id, purpose="reset", token_hash="t2", email="keep:expired-yesterday",
                   expires_at=NOW - DAY),
        EmailToken(account_id=account.id, purpose="reset", token_hash="t3", email="gone:expired-long-ago",
                   expires_at=NOW - 8 * DAY, used_at=NOW - 9 * DAY),
        # captchas: marker in id
        CaptchaChallenge(id="keep:fresh", answer_hash="x", created_at=NOW - dt.timedelta(minutes=5)),
        CaptchaChallenge(id="gone:stale", answer_hash="x", created_at=NOW - captcha.LIFETIME - dt.timedelta(seconds=1)),
        # audit: marker in detail
        AuditEvent(at=NOW - 399 * DAY, kind="login_ok", account_id=account.id, detail="keep:within-retention"),
        AuditEvent(at=NOW - 401 * DAY, kind="login_ok", account_id=account.id, detail="gone:past-retention"),
    ]  # fmt: skip
    s.add_all(rows)
    # Bills of eight years, the oldest older than 7 years: purge never touches an invoice.
    invoices(s, _customer(s, account), 96, NOW.date())
    s.commit()


def _customer(s: Session, account):
    from mypage.models import Customer

    return s.get(Customer, account.customer_id)


def markers(s: Session) -> set[str]:
    found = {r.user_agent for r in s.exec(select(UserSession))}
    found |= {r.email for r in s.exec(select(EmailToken))}
    found |= {r.id for r in s.exec(select(CaptchaChallenge))}
    found |= {r.detail for r in s.exec(select(AuditEvent))}
    return {m for m in found if m.startswith(("keep:", "gone:"))}


def test_purge_removes_what_has_expired_and_nothing_else(dbs: Session):
    fill(dbs)
    before = markers(dbs)
    assert len(before) == 12
    purged = purge(dbs, now=NOW, settings=load({}))
    dbs.commit()
    assert purged.as_dict() == {"sessions": 3, "tokens": 1, "captchas": 1, "audit_events": 1}
    assert markers(dbs) == {m for m in before if m.startswith("keep:")}
    assert len(dbs.exec(select(Invoice)).all()) == 96
    # A second run finds nothing more.
    assert purge(dbs, now=NOW, settings=load({})).as_dict() == dict.fromkeys(purged.as_dict(), 0)


def test_audit_retention_is_a_setting_with_a_floor():
    assert load({"MYPAGE_AUDIT_RETENTION_DAYS": "120"}).audit_retention_days == 120
    for bad in ("30", "many"):
        try:
            load({"MYPAGE_AUDIT_RETENTION_DAYS": bad})
        except ValueError as error:
            assert "MYPAGE_AUDIT_RETENTION_DAYS" in str(error)
        else:
            raise AssertionError(bad)


def test_the_command_purges_and_prints_counts(database_url: str):
    with Session(db.engine_for(database_url), expire_on_commit=False) as s:
        s.add(CaptchaChallenge(id="gone:stale", answer_hash="x", created_at=NOW - DAY))
        s.add(CaptchaChallenge(id="keep:fresh", answer_hash="x"))
        s.commit()
    invoices_before = counts(database_url)["invoice"]
    done = run(database_url, "purge", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"sessions": 0, "tokens": 0, "captchas": 1, "audit_events": 0}
    assert counts(database_url)["captcha_challenge"] == 1
    assert counts(database_url)["invoice"] == invoices_before
    text = run(database_url, "purge")
    assert text.returncode == 0 and "captchas: 0" in text.stdout


def test_the_command_refuses_a_bad_retention_and_writes_nothing(database_url: str):
    done = run(database_url, "purge", MYPAGE_AUDIT_RETENTION_DAYS="7")
    assert done.returncode == 1
    assert "MYPAGE_AUDIT_RETENTION_DAYS" in done.stderr
