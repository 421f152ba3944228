"""The one life cycle of every mailed or one-time token: issue, look up, claim.

A token is 32 random bytes (`security.new_token`); the database keeps only its keyed
hash in an `EmailToken` row with a purpose, an expiry and, once used, `used_at`.
Looking a token up uses nothing (mail scanners open links); a claim is one conditional
UPDATE that filters on the token, its purpose, "not used" and "not expired", so of two
claims at once exactly one wins, and a token of one purpose never passes for another.

Purposes: VERIFY (registration's mail link), RESET (パスワードを忘れた場合), EMAIL_CHANGE
(the link to the new address), EMAIL_CANCEL (the link in the notice to the old address
that cancels a pending change), LOGIN_TICKET (exchanged for the session cookie).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session, col, select, update

from mypage.models import EmailToken, utcnow
from mypage.security import hash_token, new_token

VERIFY, RESET, EMAIL_CHANGE, EMAIL_CANCEL, LOGIN_TICKET = (
    "verify",
    "reset",
    "email_change",
    "email_cancel",
    "login_ticket",
)
# What dies when the password changes: reset links and a pending e-mail change (whoever
# asked for it may have known the old password); "sign out other devices" ends the latter.
PENDING_EMAIL = (EMAIL_CHANGE, EMAIL_CANCEL)
PASSWORD_BOUND = (RESET, *PENDING_EMAIL)
# What a link is, as its page tells the subscriber.
VALID, EXPIRED, USED, UNKNOWN = "valid", "expired", "used", "unknown"
# Longer than any token we issue; anything longer is not looked up at all.
MAX_LENGTH = 100


class TokenError(Exception):
    """A link that cannot be used; `status` is EXPIRED, USED or UNKNOWN."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def issue(
    db: Session,
    account_id: int,
    purpose: str,
    lifetime: dt.timedelta,
    *,
    email: str = "",
    now: dt.datetime | None = None,
) -> str:
    """A new token of `purpose` for an account, good for `lifetime`.

    Args:
        db: The session; the caller commits.
        account_id: Whose token it is.
        purpose: One of the purposes above.
        lifetime: How long it can be used.
        email: The address the token is about (sent to, or to change to).
        now: The current time (aware UTC).

    Returns:
        The token itself, for the link; only its hash is stored.
    """
    now = now or utcnow()
    token = new_token()
    db.add(
        EmailToken(
            account_id=account_id,
            purpose=purpose,
            token_hash=hash_token(token),
            email=email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.flush()
    return token


def _well_formed(token: object) -> bool:
    return isinstance(token, str) and 0 < len(token) <= MAX_LENGTH


def lookup(db: Session, token: str | None, purpose: str) -> EmailToken | None:
    """The row of a token of this purpose, used or not; uses nothing."""
    if not _well_formed(token):
        return None
    return db.exec(
        select(EmailToken).where(EmailToken.token_hash == hash_token(token), EmailToken.purpose == purpose)
    ).first()


def status_of(row: EmailToken | None, now: dt.datetime | None = None) -> str:
    """VALID, EXPIRED, USED or UNKNOWN (no row)."""
    if row is None:
        return UNKNOWN
    if row.used_at is not None:
        return USED
    if row.expires_at <= (now or utcnow()):
        return EXPIRED
    return VALID


def claim(db: Session, token: str | None, purpose: str, now: dt.datetime | None = None) -> EmailToken | None:
    """Use a token up: its row if this call used it, None if it is unknown, used, expired or another purpose."""
    if not _well_formed(token):
        return None
    now = now or utcnow()
    claimed = db.exec(
        update(EmailToken)
        .where(
            EmailToken.token_hash == hash_token(token),
            EmailToken.purpose == purpose,
            col(EmailToken.used_at).is_(None),
            EmailToken.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        return None
    row = lookup(db, token, purpose)
    db.refresh(row)
    return row


def expire_all(db: Session, account_id: int, purposes: Iterable[str], now: dt.datetime | None = None) -> int:
    """Make every unused token of these purposes of an account unusable; how many."""
    result = db.exec(
        update(EmailToken)
        .where(
            EmailToken.account_id == account_id,
            col(EmailToken.purpose).in_(tuple(purposes)),
            col(EmailToken.used_at).is_(None),
        )
        .values(used_at=now or utcnow())
    )
    db.flush()
    return result.rowcount or 0


def latest_live(db: Session, account_id: int, purpose: str, now: dt.datetime | None = None) -> EmailToken | None:
    """The newest usable token of a purpose of an account, or None."""
    return db.exec(
        select(EmailToken)
        .where(
            EmailToken.account_id == account_id,
            EmailToken.purpose == purpose,
            col(EmailToken.used_at).is_(None),
            EmailToken.expires_at > (now or utcnow()),
        )
        .order_by(col(EmailToken.created_at).desc())
    ).first()
