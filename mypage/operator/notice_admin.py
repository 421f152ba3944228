"""Posting お知らせ: the operator's side of notices (mypage.notices is the subscriber's).

The operator gives days in Japan: a notice is shown from the start of --starts
(or from now) through the whole of --ends, the last day it is shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from sqlmodel import Session, select

from mypage import jptime
from mypage.models import Customer, Notice
from mypage.operator.customers import FieldError
from mypage.security import nfkc

TITLE_MAX = 200
BODY_MAX = 10_000
_DAY = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


class NoticeError(FieldError):
    """A notice's field has a value that cannot be posted."""


@dataclasses.dataclass(frozen=True)
class NoticeInput:
    """A notice as the operator typed it, before it is checked."""

    title: str
    body: str
    customer: str = ""
    starts: str = ""
    ends: str = ""


def _day(field: str, value: str) -> dt.date | None:
    value = nfkc(value)
    if not value:
        return None
    match = _DAY.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise NoticeError(field, f"must be a date YYYY-MM-DD, not {value!r}") from None


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a day in Japan, in UTC as the tables store it."""
    return jptime.start_of(day)


def add_notice(db: Session, data: NoticeInput, now: dt.datetime) -> Notice:
    """Check and post a notice, for everyone or for one customer.

    Args:
        db: The session; the caller commits (nothing is added when this raises).
        data: The fields as typed: title and body (required), the customer number
            (empty for everyone), the first and last day shown (YYYY-MM-DD, Japan).
        now: The current time (aware UTC); the start when none is given.

    Returns:
        The new notice, flushed, so it has its id.

    Raises:
        NoticeError: A field is missing or wrong; names the field.
    """
    title, body = data.title.strip(), data.body.strip()
    if not title:
        raise NoticeError("title", "is required")
    if len(title) > TITLE_MAX:
        raise NoticeError("title", f"must be at most {TITLE_MAX} characters")
    if not body:
        raise NoticeError("body", "is required")
    if len(body) > BODY_MAX:
        raise NoticeError("body", f"must be at most {BODY_MAX:,} characters")
    starts_on, ends_on = _day("starts", data.starts), _day("ends", data.ends)
    starts_at = _midnight(starts_on) if starts_on else now
    ends_at = _midnight(ends_on + dt.timedelta(days=1)) if ends_on else None
    if ends_at is not None and ends_at <= starts_at:
        raise NoticeError(
            "ends",
            f"{ends_on.isoformat()} must not be before the first day shown {jptime.today(starts_at).isoformat()}",
        )
    if ends_at is not None and ends_at <= now:
        raise NoticeError("ends", f"{ends_on.isoformat()} has passed; the notice would never be shown")
    customer_id = None
    number = nfkc(data.customer)
    if number:
        customer = db.exec(select(Customer).where(Customer.customer_number == number)).first()
        if customer is None:
            raise NoticeError("customer", f"no customer has the number {number}")
        customer_id = customer.id
    notice = Notice(
        title=title, body=body, customer_id=customer_id, starts_at=starts_at, ends_at=ends_at, created_at=now
    )
    db.add(notice)
    db.flush()
    return notice
