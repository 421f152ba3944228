"""お知らせ as staff manage them after posting: list every notice, withdraw one."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from mypage import audit
from mypage.models import Customer, Notice, utcnow
from mypage.operator.support import SupportError

WITHDRAWN = "notice_withdrawn"


def _state(notice: Notice, now: dt.datetime) -> str:
    if notice.ends_at is not None and notice.ends_at <= now:
        return "ended"
    return "upcoming" if notice.starts_at > now else "shown"


def notice_list(db: Session, now: dt.datetime | None = None) -> list[dict]:
    """Every notice, newest start first: id, title, customer_number (None: everyone), starts_at, ends_at, state.

    state is "shown" (subscribers see it now), "upcoming" or "ended".
    """
    now = now or utcnow()
    rows = db.exec(
        select(Notice, Customer.customer_number)
        .join(Customer, Customer.id == Notice.customer_id, isouter=True)
        .order_by(Notice.starts_at.desc(), Notice.id.desc())
    )
    return [
        {
            "id": notice.id,
            "title": notice.title,
            "customer_number": number,
            "starts_at": notice.starts_at.astimezone(dt.UTC).isoformat(),
            "ends_at": notice.ends_at.astimezone(dt.UTC).isoformat() if notice.ends_at else None,
            "state": _state(notice, now),
        }
        for notice, number in rows
    ]


def withdraw(db: Session, notice_id: str, staff: str, now: dt.datetime | None = None) -> dict:
    """End a notice now, so no subscriber sees it again; the row stays (the audit trail names it).

    Args:
        db: The session; the caller commits.
        notice_id: The notice's id as typed.
        staff: Who withdraws it.
        now: The current time.

    Returns:
        id, title and ends_at of the withdrawn notice.

    Raises:
        SupportError: No such notice, or it has ended already.
    """
    now = now or utcnow()
    text = notice_id.strip()
    notice = db.get(Notice, int(text)) if text.isdigit() and len(text) < 10 else None
    if notice is None:
        raise SupportError("id", f"no notice has the id {text!r}; `mypage notice list` shows them")
    if notice.ends_at is not None and notice.ends_at <= now:
        raise SupportError("id", f"notice {notice.id} ended already ({notice.ends_at.astimezone(dt.UTC).isoformat()})")
    notice.ends_at = now
    db.add(notice)
    audit.record(db, WITHDRAWN, subject=f"notice {notice.id}", detail=f"staff={staff}; {notice.title}", now=now)
    return {"id": notice.id, "title": notice.title, "ends_at": now.astimezone(dt.UTC).isoformat()}
