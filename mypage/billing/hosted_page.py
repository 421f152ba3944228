"""The trip to a payment gateway's own page and back, shared by お支払い and クレジットカード変更.

- Going: the portal signs what it asks for (`sign`), so the browser cannot change it on the way.
- Coming back: the browser brings the one-time nonce it was sent with. `issue_nonce` keeps only
  its hash, in the audit trail (the checkout event); `redeem_nonce` accepts it once, for the same
  account, within `NONCE_LIFETIME`, so another site cannot send a subscriber back with its own
  nonce, and a replayed or reloaded return does nothing a second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlmodel import Session, select

from mypage import audit, security
from mypage.models import AuditEvent, utcnow

NONCE_LIFETIME = dt.timedelta(minutes=30)


def sign(secret: str, *fields: object) -> str:
    """The HMAC-SHA256 (hex) of the fields, one a line: what the gateway checks a request by."""
    message = "\n".join(str(field) for field in fields).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _subject(nonce: str) -> str:
    return f"nonce:{security.hash_token(nonce)}"


def issue_nonce(
    db: Session, kind: str, account_id: int, *, ip: str = "", detail: str = "", now: dt.datetime | None = None
) -> str:
    """A new one-time nonce for this account, recorded as a `kind` event with `detail`; the caller commits."""
    nonce = secrets.token_urlsafe(24)
    audit.record(db, kind, subject=_subject(nonce), account_id=account_id, ip=ip, now=now, detail=detail)
    return nonce


def redeem_nonce(
    db: Session,
    issued_kind: str,
    returned_kind: str,
    account_id: int,
    nonce: str,
    *,
    ip: str = "",
    now: dt.datetime | None = None,
    detail_prefix: str = "",
) -> AuditEvent | None:
    """Accept a nonce once: the `issued_kind` event it was issued with, or None; the caller commits.

    Args:
        db: The database session.
        issued_kind: The audit kind `issue_nonce` recorded it as.
        returned_kind: The audit kind that marks it used (recorded here, with the issue's detail).
        account_id: The logged-in account: a nonce issued to another is refused.
        nonce: As the browser brought it back.
        ip: The client's address, for the audit trail.
        now: The current time.
        detail_prefix: The issue's detail must start with it (what the nonce was issued for).
    """
    now = now or utcnow()
    if not nonce or len(nonce) > 200:
        return None
    subject = _subject(nonce)
    issued = db.exec(
        select(AuditEvent).where(
            AuditEvent.kind == issued_kind,
            AuditEvent.subject == subject,
            AuditEvent.account_id == account_id,
            AuditEvent.at > now - NONCE_LIFETIME,
        )
    ).first()
    used = audit.count(db, (returned_kind,), subject=subject, after=now - 2 * NONCE_LIFETIME)
    if issued is None or used or not issued.detail.startswith(detail_prefix):
        return None
    audit.record(db, returned_kind, subject=subject, account_id=account_id, ip=ip, now=now, detail=issued.detail)
    return issued
