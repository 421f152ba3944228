"""What every member page's state needs: the logged-in account and its customer, checked per event."""

from __future__ import annotations

import dataclasses
import datetime as dt

import reflex as rx
from sqlmodel import select

from mypage import db
from mypage.models import Account


@dataclasses.dataclass(frozen=True)
class Member:
    """The logged-in account and the customer it belongs to."""

    account_id: int
    customer_id: int


async def current_member(state: rx.State) -> Member | None:
    """The member behind this event's session cookie, or None (check_login then redirects).

    Every public handler of a member page calls this itself: a handler is an API that any
    client can call, whatever page it is on.
    """
    account_id = await _session_account_id(state)
    if account_id is None:
        return None
    with db.session() as session:
        customer_id = session.exec(select(Account.customer_id).where(Account.id == account_id,
                                                                     Account.status == "active")).first()
    return Member(account_id, customer_id) if customer_id is not None else None


async def _session_account_id(state: rx.State) -> int | None:
    raise NotImplementedError("wired to AuthState when the session mechanism lands")


def now() -> dt.datetime:
    """The current time, aware UTC."""
    return dt.datetime.now(dt.UTC)
