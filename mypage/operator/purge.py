"""Housekeeping (`mypage purge`, daily from deploy/systemd/mypage-purge.timer).

Removes what nobody can use any more, and nothing else:
- sessions that were revoked, or ran past the idle or the absolute timeout, more than
  GRACE ago;
- mailed tokens and login tickets that expired more than GRACE ago (a late click on a
  link still hears "expired", not "unknown", for a week);
- CAPTCHA challenges older than their lifetime;
- audit rows older than MYPAGE_AUDIT_RETENTION_DAYS (at least 90 days, so that the
  throttles, which look back minutes to days, never lose what they count).

Invoices, their lines, customers, accounts (pending ones included) and notices are
never touched: qualified invoices are kept at least 7 years (法人税法・消費税法),
and no retention setting reaches them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, delete

from mypage.accounts import captcha, sessions
from mypage.models import AuditEvent, CaptchaChallenge, EmailToken, UserSession, utcnow
from mypage.settings import Settings, get_settings

log = logging.getLogger("mypage.purge")
GRACE = dt.timedelta(days=7)
# What purge may never delete, whatever the settings say.
INVOICE_RETENTION_YEARS = 7


@dataclass(frozen=True)
class Purged:
    """How many rows of each kind were removed."""

    sessions: int
    tokens: int
    captchas: int
    audit_events: int

    def as_dict(self) -> dict[str, int]:
        """The counts by kind, for `--json`."""
        return asdict(self)


def purge(db: Session, now: dt.datetime | None = None, settings: Settings | None = None) -> Purged:
    """Delete what has expired; the caller commits.

    Args:
        db: The session.
        now: The current time.
        settings: The settings (the audit retention); the process's by default.

    Returns:
        The counts of removed rows.
    """
    now = now or utcnow()
    settings = settings or get_settings()
    ended = now - GRACE
    dead_sessions = delete(UserSession).where(
        sa.or_(
            col(UserSession.revoked_at) < ended,
            col(UserSession.last_seen_at) < ended - sessions.idle_limit(settings),
            col(UserSession.created_at) < ended - sessions.absolute_limit(settings),
        )
    )
    tokens = delete(EmailToken).where(col(EmailToken.expires_at) < ended)
    captchas = delete(CaptchaChallenge).where(col(CaptchaChallenge.created_at) < now - captcha.LIFETIME)
    audit = delete(AuditEvent).where(col(AuditEvent.at) < now - dt.timedelta(days=settings.audit_retention_days))
    purged = Purged(
        sessions=db.exec(dead_sessions).rowcount,
        tokens=db.exec(tokens).rowcount,
        captchas=db.exec(captchas).rowcount,
        audit_events=db.exec(audit).rowcount,
    )
    log.info("purged %s", ", ".join(f"{k}={v}" for k, v in purged.as_dict().items()))
    return purged
