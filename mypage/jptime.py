"""Japan time: the operator's and subscribers' clock, and the one way screens, mails and PDFs write it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def today(now: dt.datetime) -> dt.date:
    """The calendar day in Japan at an aware moment: it decides due dates and the current month."""
    return _aware(now).astimezone(JST).date()


def start_of(day: dt.date) -> dt.datetime:
    """The first moment of a day in Japan, as aware UTC."""
    return dt.datetime.combine(day, dt.time(), JST).astimezone(dt.UTC)


def format_date(day: dt.date | None) -> str:
    """A date as 2025年4月30日, or an empty string."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def format_datetime(moment: dt.datetime | None) -> str:
    """A moment in Japan time as 2025年4月30日 9:05, or an empty string."""
    if moment is None:
        return ""
    local = _aware(moment).astimezone(JST)
    return f"{format_date(local.date())} {local.hour}:{local.minute:02d}"
