"""セキュリティ設定's two lists: the live sessions (ログイン中の端末) and the sign-in history (ログイン履歴).

- A live session is one that `sessions.resolve` would accept now (not revoked, not idle
  or past its absolute limit). The subscriber's own is marked この端末 and cannot be
  ended here (that is ログアウト); any other one can, singly: its row is revoked, so that
  browser's next event finds no session and lands on the login page.
- The history is the last `HISTORY_SIZE` sign-in attempts of the account from the audit
  trail: success, wrong password, lockout, refusal while locked, and a two-step failure.
  Attempts with an unknown login ID belong to no account and never show.
- Browsers are named in plain words by mypage.accounts.browsers: "Chrome（Windows）".
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session, select

from mypage import audit, jptime
from mypage.accounts import login, sessions
from mypage.accounts.browsers import browser_label
from mypage.models import AuditEvent, UserSession, utcnow
from mypage.security import hash_token

HISTORY_SIZE = 20
SESSION_ENDED = "session_ended"  # audit kind: one other device signed out from セキュリティ設定
# What each sign-in event means to the subscriber, and whether it was a success.
RESULTS = {
    login.OK_KIND: ("成功", True),
    login.FAILED: ("失敗（パスワード誤り）", False),
    login.LOCKED_KIND: ("失敗（ロックされました）", False),
    login.REFUSED_LOCKED: ("失敗（ロック中）", False),
    login.TWO_STEP_FAILED: ("失敗（二段階認証）", False),
}
# login_failed with this detail is a wrong current password on ID・パスワード変更, not a sign-in.
NOT_A_SIGN_IN = "account_settings"


@dataclasses.dataclass(frozen=True)
class Device:
    """One live session as ログイン中の端末 shows it."""

    session_id: int
    browser: str
    ip: str
    started: str
    last_active: str
    current: bool


@dataclasses.dataclass(frozen=True)
class SignIn:
    """One sign-in attempt as ログイン履歴 shows it."""

    at: str
    result: str
    ok: bool
    browser: str
    ip: str


def _live_rows(db: Session, account_id: int, now: dt.datetime) -> list[UserSession]:
    rows = db.exec(
        select(UserSession)
        .where(UserSession.account_id == account_id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
    return [row for row in rows if sessions.is_alive(row, now)]


def devices(db: Session, account_id: int, token: str, now: dt.datetime | None = None) -> list[Device]:
    """The account's live sessions, this browser's first, then the most recently active.

    Args:
        db: The database session.
        account_id: The logged-in account.
        token: This browser's session token (marks この端末).
        now: The current time (aware UTC).
    """
    now = now or utcnow()
    mine = hash_token(token) if token else ""
    found = [
        Device(
            session_id=row.id,
            browser=browser_label(row.user_agent),
            ip=row.ip,
            started=jptime.format_datetime(row.created_at),
            last_active=jptime.format_datetime(row.last_seen_at),
            current=row.token_hash == mine,
        )
        for row in _live_rows(db, account_id, now)
    ]
    return sorted(found, key=lambda d: not d.current)


def end_device(
    db: Session, account_id: int, session_id: int, token: str, *, ip: str = "", now: dt.datetime | None = None
) -> bool:
    """Sign out one other session of the account (ログアウト beside it), audited.

    Args:
        db: The database session; the caller commits.
        account_id: The logged-in account; a session of another account is never touched.
        session_id: The session to end, as the page listed it.
        token: This browser's own token: its session is not ended here.
        ip: The address the request came from.
        now: The current time (aware UTC).

    Returns:
        Whether a live session was ended (False for an unknown, foreign, own or ended one).
    """
    now = now or utcnow()
    row = db.get(UserSession, session_id)
    if row is None or row.account_id != account_id or row.token_hash == hash_token(token or ""):
        return False
    if not sessions.is_alive(row, now):
        return False
    row.revoked_at = now
    db.add(row)
    audit.record(db, SESSION_ENDED, account_id=account_id, ip=ip, detail=f"session {row.id}", now=now)
    return True


def history(db: Session, account_id: int, limit: int = HISTORY_SIZE) -> list[SignIn]:
    """The account's last sign-in attempts, newest first."""
    rows = db.exec(
        select(AuditEvent)
        .where(
            AuditEvent.account_id == account_id,
            AuditEvent.kind.in_(tuple(RESULTS)),
            AuditEvent.detail != NOT_A_SIGN_IN,
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        SignIn(
            at=jptime.format_datetime(row.at),
            result=RESULTS[row.kind][0],
            ok=RESULTS[row.kind][1],
            browser=browser_label(row.user_agent),
            ip=row.ip,
        )
        for row in rows
    ]


@dataclasses.dataclass(frozen=True)
class Security:
    """Everything セキュリティ設定 shows."""

    devices: list[Device]
    history: list[SignIn]


def security(db: Session, account_id: int, token: str, now: dt.datetime | None = None) -> Security:
    """The page's data for the logged-in account."""
    return Security(devices(db, account_id, token, now), history(db, account_id))
