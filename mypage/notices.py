"""お知らせ: which notices a customer sees, and which their account has read.

A notice is visible from its start until its end (open-ended when there is none).
A notice with a customer_id reaches that customer only. Read marks belong to the
account; unread notices come first, then newest first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, select

from mypage.models import Notice, NoticeRead


@dataclasses.dataclass(frozen=True)
class NoticeView:
    """A notice as the subscriber sees it."""

    id: int
    title: str
    body: str
    starts_at: dt.datetime
    read: bool
    targeted: bool


def _visible(customer_id: int, now: dt.datetime):
    return sa.and_(
        Notice.starts_at <= now,
        sa.or_(Notice.ends_at.is_(None), Notice.ends_at > now),
        sa.or_(Notice.customer_id.is_(None), Notice.customer_id == customer_id),
    )


def _query(customer_id: int, account_id: int, now: dt.datetime):
    read = sa.exists().where(NoticeRead.notice_id == Notice.id, NoticeRead.account_id == account_id)
    return select(Notice, read.label("read")).where(_visible(customer_id, now))


def _view(notice: Notice, read: bool) -> NoticeView:
    return NoticeView(
        notice.id, notice.title, notice.body, notice.starts_at, bool(read), notice.customer_id is not None
    )


def visible(
    db: Session, customer_id: int, account_id: int, now: dt.datetime, limit: int | None = None
) -> list[NoticeView]:
    """The notices the customer may see now, unread first, then newest first; one query.

    Args:
        db: The database session.
        customer_id: Whose notices (global ones plus those targeted at this customer).
        account_id: Whose read marks.
        now: The moment that decides the visible window (aware UTC).
        limit: How many at most; None for all.

    Returns:
        The notices with their read marks.
    """
    query = _query(customer_id, account_id, now)
    read_column = query.selected_columns.read
    query = query.order_by(read_column, Notice.starts_at.desc(), Notice.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_view(notice, read) for notice, read in db.exec(query)]


def get(db: Session, notice_id: int, customer_id: int, account_id: int, now: dt.datetime) -> NoticeView | None:
    """One notice, only if the customer may see it now; None otherwise."""
    row = db.exec(_query(customer_id, account_id, now).where(Notice.id == notice_id)).first()
    return _view(*row) if row else None


def mark_read(db: Session, notice_id: int, customer_id: int, account_id: int, now: dt.datetime) -> bool:
    """Mark a notice read for the account, if the customer may see it; idempotent.

    Returns:
        Whether the notice is visible to the customer (and so now marked read).
    """
    if get(db, notice_id, customer_id, account_id, now) is None:
        return False
    try:
        with db.begin_nested():
            db.add(NoticeRead(notice_id=notice_id, account_id=account_id, read_at=now))
    except sa.exc.IntegrityError:
        pass  # already read, maybe in another tab at the same moment
    db.commit()
    return True


def open_notice(db: Session, notice_id: int, customer_id: int, account_id: int, now: dt.datetime) -> NoticeView | None:
    """Read one notice: the notice if the customer may see it now, marked read for the account."""
    found = get(db, notice_id, customer_id, account_id, now)
    if found is not None:
        mark_read(db, notice_id, customer_id, account_id, now)
    return found


def unread_count(db: Session, customer_id: int, account_id: int, now: dt.datetime) -> int:
    """How many visible notices the account has not read."""
    read = sa.exists().where(NoticeRead.notice_id == Notice.id, NoticeRead.account_id == account_id)
    query = select(sa.func.count()).select_from(Notice).where(_visible(customer_id, now), ~read)
    return db.exec(query).one()
