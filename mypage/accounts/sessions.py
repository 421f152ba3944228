"""Login sessions: a random token in an HttpOnly cookie, a server-side row, two timeouts.

The cookie holds only the token; the database keeps `security.hash_token(token)`.
A session ends when it is revoked (logout, password change), when it has not been
used for `session_idle_minutes`, or `session_absolute_hours` after the login,
whichever comes first.

A Reflex event handler cannot set an HttpOnly cookie, so the login handler issues a
one-time login ticket (an `EmailToken` with purpose "login_ticket", valid one minute)
and the browser posts it to `routes.SESSION_START` (see mypage/http.py), which calls
`redeem_ticket` and `start` and sets the cookie.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from http.cookies import CookieError, SimpleCookie

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage import routes
from mypage.accounts import tokens
from mypage.models import Account, UserSession, utcnow
from mypage.security import hash_token, new_token
from mypage.settings import Settings, get_settings

TICKET_PURPOSE = tokens.LOGIN_TICKET
TICKET_TTL = dt.timedelta(minutes=1)
# last_seen_at is written at most this often, so that a burst of events is one write.
TOUCH_EVERY = dt.timedelta(seconds=15)
# The idle-timeout warning shows this long before the end (less for very short timeouts).
WARN_BEFORE = dt.timedelta(minutes=5)


def cookie_name(settings: Settings | None = None) -> str:
    """The session cookie's name; under https the __Host- prefix pins it to this host and path."""
    settings = settings or get_settings()
    return "__Host-mypage_session" if settings.is_https else "mypage_session"


def cookie_value(header: str, name: str) -> str | None:
    """One cookie's value in a raw Cookie header, or None (absent, empty or unreadable)."""
    if not header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel and morsel.value else None


def token_from_cookie_header(header: str, settings: Settings | None = None) -> str | None:
    """The session token in a raw Cookie header, or None."""
    return cookie_value(header, cookie_name(settings))


def idle_limit(settings: Settings | None = None) -> dt.timedelta:
    """How long a session may go unused."""
    return dt.timedelta(minutes=(settings or get_settings()).session_idle_minutes)


def absolute_limit(settings: Settings | None = None) -> dt.timedelta:
    """How long a session may last at all."""
    return dt.timedelta(hours=(settings or get_settings()).session_absolute_hours)


def warn_before(settings: Settings | None = None) -> dt.timedelta:
    """How long before the idle timeout the subscriber is warned."""
    return min(WARN_BEFORE, idle_limit(settings) / 3)


def start(db: Session, account_id: int, *, ip: str = "", user_agent: str = "", now: dt.datetime | None = None) -> str:
    """Open a new session for an account and record the login time.

    Args:
        db: The database session; the caller commits.
        account_id: The account that has just proved its password.
        ip: The client address, for the subscriber's and the operator's records.
        user_agent: The browser's User-Agent header.
        now: The current time (aware UTC).

    Returns:
        The new token, to be put in the cookie; only its hash is stored.
    """
    now = now or utcnow()
    token = new_token()
    db.add(
        UserSession(
            account_id=account_id,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    account = db.get(Account, account_id)
    if account is not None:
        account.last_login_at = now
        db.add(account)
    db.flush()
    return token


def _alive(row: UserSession, now: dt.datetime) -> bool:
    return row.revoked_at is None and now - row.last_seen_at < idle_limit() and now - row.created_at < absolute_limit()


def is_alive(row: UserSession, now: dt.datetime | None = None) -> bool:
    """Whether a session row is still good: not revoked, neither idle nor past its absolute limit."""
    return _alive(row, now or utcnow())


def find(db: Session, token: str | None) -> UserSession | None:
    """The session row of a token, alive or not."""
    if not token:
        return None
    return db.exec(select(UserSession).where(UserSession.token_hash == hash_token(token))).first()


def resolve(
    db: Session, token: str | None, *, now: dt.datetime | None = None, touch: bool = True
) -> UserSession | None:
    """The live session of a cookie token, or None if unknown, revoked or timed out.

    Args:
        db: The database session; the caller commits.
        token: The cookie's value.
        now: The current time (aware UTC).
        touch: Count this as activity (resets the idle timer). Background checks pass False.

    Returns:
        The session row, or None.
    """
    now = now or utcnow()
    row = find(db, token)
    if row is None or not _alive(row, now):
        return None
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.add(row)
        db.flush()
    return row


@dataclasses.dataclass(frozen=True)
class Member:
    """Who a live session belongs to: what a member handler may act for (never sent to the browser)."""

    account_id: int
    customer_id: int
    token: str


def member_of(db: Session, token: str | None, *, touch: bool = True) -> Member | None:
    """The member behind a session cookie's token, or None without a live session.

    The one way a member request finds its account: the cookie, checked against the
    session row and the account now (a revoked session or a removed account is None).
    """
    row = resolve(db, token, touch=touch)
    if row is None:
        return None
    account = db.get(Account, row.account_id)
    if account is None:
        return None
    return Member(account.id, account.customer_id, token)


def idle_remaining(row: UserSession, now: dt.datetime | None = None) -> dt.timedelta:
    """Time left before the session ends, by the idle or the absolute limit."""
    now = now or utcnow()
    left = min(row.last_seen_at + idle_limit(), row.created_at + absolute_limit()) - now
    return max(left, dt.timedelta(0))


def extend(db: Session, token: str | None, *, now: dt.datetime | None = None) -> UserSession | None:
    """The subscriber pressed the stay-logged-in button: touch the session unconditionally."""
    now = now or utcnow()
    row = resolve(db, token, now=now, touch=False)
    if row is not None:
        row.last_seen_at = now
        db.add(row)
        db.flush()
    return row


def revoke(db: Session, token: str | None, *, now: dt.datetime | None = None) -> int | None:
    """End one session (logout). Returns its account id, or None if there was none."""
    row = find(db, token)
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
        db.add(row)
        db.flush()
    return row.account_id


def revoke_all_for_account(
    db: Session, account_id: int, *, now: dt.datetime | None = None, keep_token: str | None = None
) -> int:
    """End every session of an account (password reset, "sign out other devices").

    Args:
        db: The database session; the caller commits.
        account_id: The account.
        now: The current time (aware UTC).
        keep_token: A session to leave open (the one making the change), if any.

    Returns:
        How many sessions were ended.
    """
    query = sa.update(UserSession).where(UserSession.account_id == account_id, UserSession.revoked_at.is_(None))
    if keep_token:
        query = query.where(UserSession.token_hash != hash_token(keep_token))
    result = db.execute(query.values(revoked_at=now or utcnow()))
    db.flush()
    return result.rowcount or 0


def issue_ticket(db: Session, account_id: int, *, now: dt.datetime | None = None) -> str:
    """A one-time, one-minute ticket the browser exchanges for the session cookie."""
    return tokens.issue(db, account_id, TICKET_PURPOSE, TICKET_TTL, now=now)


def redeem_ticket(db: Session, ticket: str | None, *, now: dt.datetime | None = None) -> int | None:
    """Use up a login ticket. Returns its account id, or None if unknown, used or expired."""
    # One UPDATE decides: of two racing redemptions only one sees a row change.
    row = tokens.claim(db, ticket, TICKET_PURPOSE, now)
    return row.account_id if row else None


def safe_next(path: str | None) -> str:
    r"""Where to go after login: a local path of the portal, else マイページ初期画面.

    Only "/..." paths count; "//host" and "/\host" would leave the site.
    """
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")):
        return routes.HOME
    if any(ch in path for ch in "\r\n\t\\") or path.startswith(routes.API_PREFIX):
        return routes.HOME
    if path.split("?")[0] in (routes.LOGIN, routes.FORGOT_ID, routes.FORGOT_PASSWORD, routes.RESET_PASSWORD):
        return routes.HOME
    return path
