"""The audit trail of security events, and counts over it for throttling.

Kinds used so far: login_ok, login_failed, login_locked, login_throttled, logout,
session_start, recovery_id, recovery_password, password_reset, code_issued (a letter's new code),
card_checkout / card_return (a card change's one-time nonce, subject its hash), card_changed, card_change_failed,
login_id_changed, login_id_change_refused, password_changed, email_change_requested, email_changed,
email_change_cancelled, other_sessions_ended
(ID・パスワード変更; a wrong current password there is a login_failed with detail account_settings),
bill_pay_checkout / bill_pay_return (お支払い's one-time nonce, detail the invoice), bill_paid, bill_pay_failed,
paperless_on / paperless_off, bill_mail_on / bill_mail_off, bill_mail_sent / bill_mail_failed.
セキュリティ設定 (issue 13): session_start's subject is "device:<keyed hash of the device cookie>",
new_device_mailed, session_ended (one other device signed out), login_two_step_required (right
password, code asked), login_two_step_failed (counts like login_failed), two_step_setup_started,
two_step_enabled, two_step_disabled, two_step_recovery_used; `user_agent` keeps the browser of
sign-in events for ログイン履歴.
`subject` is what the event is about (a folded login ID, a customer number or an
address); `ip` is the client address it came from, and `net` its network as throttles
count it (mypage.netaddr.network: IPv4 singly, IPv6 by /64).
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage.models import AuditEvent, utcnow
from mypage.netaddr import network

# Every event also goes to the log stream (mypage.logs), with its fields.
_log = logging.getLogger("mypage.audit")


def record(
    db: Session,
    kind: str,
    *,
    subject: str = "",
    account_id: int | None = None,
    ip: str = "",
    detail: str = "",
    now: dt.datetime | None = None,
    user_agent: str = "",
) -> AuditEvent:
    """Add one event; the caller commits with the change it describes."""
    event = AuditEvent(
        at=now or utcnow(),
        kind=kind,
        subject=subject[:100],
        account_id=account_id,
        ip=ip[:64],
        net=network(ip),
        detail=detail[:500],
        user_agent=user_agent[:300],
    )
    db.add(event)
    db.flush()
    _log.info(kind, extra={"account_id": account_id, "subject": event.subject, "ip": event.ip, "detail": event.detail})
    return event


def count(
    db: Session,
    kinds: tuple[str, ...],
    *,
    after: dt.datetime,
    subject: str | None = None,
    ip: str | None = None,
    account_id: int | None = None,
) -> int:
    """How many events of these kinds for a subject, an address or an account, strictly after a time.

    An address counts with its network (IPv4 singly, IPv6 by /64).
    """
    query = select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.kind.in_(kinds), AuditEvent.at > after)
    if subject is not None:
        query = query.where(AuditEvent.subject == subject[:100])
    if ip is not None:
        query = query.where(AuditEvent.net == network(ip))
    if account_id is not None:
        query = query.where(AuditEvent.account_id == account_id)
    return db.exec(query).one()


def last(db: Session, kinds: tuple[str, ...], *, subject: str) -> AuditEvent | None:
    """The newest event of these kinds for a subject."""
    return db.exec(
        select(AuditEvent)
        .where(AuditEvent.kind.in_(kinds), AuditEvent.subject == subject[:100])
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()
