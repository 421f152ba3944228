"""What every member page's state needs: the logged-in account and its customer, checked per event."""

from __future__ import annotations

import dataclasses
import datetime as dt

import reflex as rx

from mypage.state.auth import require_account


@dataclasses.dataclass(frozen=True)
class Member:
    """The logged-in account and the customer it belongs to."""

    account_id: int
    customer_id: int


async def current_member(state: rx.State) -> Member | None:
    """The member behind this event's session cookie, or None (the caller sends them to login).

    Every public handler of a member page calls this itself: a handler is an API that any
    client can call, whatever page it is on, and ids never come from the client.
    """
    account = await require_account(state)
    return Member(account.id, account.customer_id) if account is not None else None


def now() -> dt.datetime:
    """The current time, aware UTC."""
    return dt.datetime.now(dt.UTC)
