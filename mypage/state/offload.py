"""Core calls off the event loop: one worker thread, one database session, committed.

Every websocket of a worker shares its event loop, so a handler that waited there for
the database, bcrypt or an SMTP server would stall every other subscriber's page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from mypage import db, mail

T = TypeVar("T")


def _in_session(fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
    with db.session() as s:
        return fn(s, *args, **kwargs)


async def in_session(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """`fn(session, *args, **kwargs)` in a worker thread; committed when it returns, rolled back if it raises."""
    return await asyncio.to_thread(_in_session, fn, args, kwargs)


async def deliver(mails: tuple[mail.Mail, ...] | list[mail.Mail]) -> None:
    """Send mails whose transaction has committed, in a worker thread; failures are logged."""
    if mails:
        await asyncio.to_thread(mail.deliver_all, mails)
