"""The support desk's tools: look an account up, unlock it, resend its verification, end its sessions.

A subscriber who is locked out or never got their mail phones the operator (the lock
message gives the number). Staff find the account by customer number or login ID and
act on it. Every action, looking included, is an audit event naming the staff member
(`staff_*` kinds, detail `staff=NAME`), so the trail shows who did what for whom.
Nothing here ever shows a secret: no hash, token, code or card number.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from mypage import audit
from mypage.accounts import login, registration, sessions
from mypage.accounts.account_settings import pending_email
from mypage.models import Account, Customer, UserSession, utcnow
from mypage.operator.customers import FieldError
from mypage.security import nfkc

STAFF_MAX = 50
# Audit kinds; login_unlocked is also one of the events that end a login ID's run of failures.
SHOWN, UNLOCKED = "staff_account_show", "login_unlocked"
RESENT, SESSIONS_ENDED = "staff_resend_verification", "staff_sessions_ended"


class SupportError(FieldError):
    """A support command cannot be done: an unknown account, or one it does not apply to."""


def staff_name(value: str) -> str:
    """The staff member's name as the audit trail keeps it.

    Raises:
        SupportError: It is empty or too long.
    """
    name = nfkc(value)
    if not name:
        raise SupportError("staff", "give the name of the staff member (--staff NAME)")
    if len(name) > STAFF_MAX:
        raise SupportError("staff", f"must be at most {STAFF_MAX} characters")
    return name


def find(db: Session, key: str) -> tuple[Account, Customer]:
    """The account of a customer number or a login ID (ignoring case and width).

    Raises:
        SupportError: Nothing matches, or the customer has no account yet.
    """
    key = nfkc(key)
    if not key:
        raise SupportError("account", "give a customer number or a login ID")
    customer = db.exec(select(Customer).where(Customer.customer_number == key)).first()
    if customer is not None:
        account = db.exec(select(Account).where(Account.customer_id == customer.id)).first()
        if account is None:
            raise SupportError(
                "account", f"customer {key} has no MyPage account yet (a code letter: mypage codes issue)"
            )
        return account, customer
    account = login.find_account(db, key)
    if account is None:
        raise SupportError("account", f"no customer number or login ID {key!r}")
    return account, db.get(Customer, account.customer_id)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def _record(db: Session, kind: str, account: Account, staff: str, now: dt.datetime, detail: str = "") -> None:
    text = f"staff={staff}" + (f"; {detail}" if detail else "")
    audit.record(db, kind, subject=account.login_id_folded, account_id=account.id, detail=text, now=now)


def _live_sessions(db: Session, account: Account, now: dt.datetime) -> list[UserSession]:
    rows = db.exec(
        select(UserSession)
        .where(UserSession.account_id == account.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    )
    return [row for row in rows if sessions._alive(row, now)]


def show(db: Session, key: str, staff: str, now: dt.datetime | None = None) -> dict:
    """What staff may see of an account, recorded as looked at.

    Args:
        db: The session; the caller commits (the audit event).
        key: A customer number or a login ID.
        staff: Who is looking.
        now: The current time.

    Returns:
        customer_number, name, login_id, status (active / pending), email, pending_verification
        (a live link is out), pending_email (an address change waiting for its link), failed_logins,
        lockouts, locked_until, last_login_at, created_at, verified_at and sessions (started,
        last seen, address, browser): nothing secret.

    Raises:
        SupportError: No such account.
    """
    now = now or utcnow()
    account, customer = find(db, key)
    state = login.lock_state(db, account.login_id_folded, now)
    live = _live_sessions(db, account, now)
    _record(db, SHOWN, account, staff, now)
    return {
        "customer_number": customer.customer_number,
        "name": customer.name,
        "login_id": account.login_id,
        "status": account.status,
        "email": account.email,
        "pending_verification": account.status == "pending" and registration._has_live_token(db, account.id, now),
        "pending_email": pending_email(db, account.id, now) or None,
        "failed_logins": state.failures,
        "lockouts": state.lockouts,
        "locked_until": _iso(state.locked_until),
        "last_login_at": _iso(account.last_login_at),
        "created_at": _iso(account.created_at),
        "verified_at": _iso(account.verified_at),
        "sessions": [
            {
                "started_at": _iso(row.created_at),
                "last_seen_at": _iso(row.last_seen_at),
                "ip": row.ip,
                "user_agent": row.user_agent,
            }
            for row in live
        ],
    }


def unlock(db: Session, key: str, staff: str, now: dt.datetime | None = None) -> dict:
    """Lift a login lock and forget the failures before it (as a successful login would).

    Returns:
        login_id, customer_number and was_locked (whether a lock was in force).

    Raises:
        SupportError: No such account.
    """
    now = now or utcnow()
    account, customer = find(db, key)
    state = login.lock_state(db, account.login_id_folded, now)
    was_locked = state.locked_until is not None
    _record(db, UNLOCKED, account, staff, now, "was locked" if was_locked else "was not locked")
    login._mirror(db, account, login.LockState())
    db.flush()
    return {"login_id": account.login_id, "customer_number": customer.customer_number, "was_locked": was_locked}


def resend_verification(db: Session, key: str, staff: str, now: dt.datetime | None = None) -> dict:
    """Mail a pending account a new verification link (the portal's own limit of 3 an hour holds).

    Returns:
        login_id, customer_number and email (where the link went).

    Raises:
        SupportError: No such account, it is verified already, or the hourly limit is reached.
        mypage.mail.MailError: The mail could not be sent; the caller rolls back.
    """
    now = now or utcnow()
    account, customer = find(db, key)
    if account.status != "pending":
        raise SupportError("account", f"{account.login_id} is verified already; it logs in with its password")
    try:
        registration.resend_verification(db, account, now)
    except registration.ResendRefused as error:
        raise SupportError("account", f"not sent: {error}") from None
    _record(db, RESENT, account, staff, now, f"to {account.email}")
    return {"login_id": account.login_id, "customer_number": customer.customer_number, "email": account.email}


def end_sessions(db: Session, key: str, staff: str, now: dt.datetime | None = None) -> dict:
    """Sign an account out everywhere (a lost phone, a shared computer).

    Returns:
        login_id, customer_number and ended (how many live sessions were ended).

    Raises:
        SupportError: No such account.
    """
    now = now or utcnow()
    account, customer = find(db, key)
    ended = sessions.revoke_all_for_account(db, account.id, now=now)
    _record(db, SESSIONS_ENDED, account, staff, now, f"{ended} ended")
    return {"login_id": account.login_id, "customer_number": customer.customer_number, "ended": ended}
