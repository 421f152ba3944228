"""The one seam for member event handlers: `@member_event` (Flask's `login_required`).

    class HomeState(rx.State):
        @member_event
        async def load(self, member: MemberCall):
            data = await member.run(home.home, member.account_id, now())
            ...

The decorator resolves the session cookie once (mypage.accounts.sessions.member_of, in a
worker thread), returns the login redirect without a live session, and otherwise hands
the handler a `MemberCall`: who is logged in (ids from the server, never from the
client), the client's address, and `run`, which calls the core off the event loop in one
database session. Mails that a core call returns (its result's `mails`) are sent after
the handler has answered, so a slow mail server delays nobody's screen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs

import reflex as rx

from mypage import mail
from mypage.accounts import sessions
from mypage.state import offload
from mypage.state.auth import AuthState, client_ip, login_redirect

T = TypeVar("T")


@dataclasses.dataclass
class MemberCall:
    """The logged-in member of this event, and the way to the core."""

    account_id: int
    customer_id: int
    token: str
    ip: str
    outbox: list[mail.Mail] = dataclasses.field(default_factory=list)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`fn(session, *args, **kwargs)` off the event loop; its result's `mails` are sent after the answer."""
        result = await offload.in_session(fn, *args, **kwargs)
        self.outbox.extend(getattr(result, "mails", ()))
        return result


def now() -> dt.datetime:
    """The current time, aware UTC."""
    return dt.datetime.now(dt.UTC)


async def _member(state: rx.State) -> MemberCall | None:
    auth = await state.get_state(AuthState)
    found: sessions.Member | None = await auth._resolve()
    if found is None:
        return None
    return MemberCall(found.account_id, found.customer_id, found.token, client_ip(state))


def member_event(handler: Callable) -> Callable:
    """Make `handler(self, member, *args)` a member event handler (see the module's docstring).

    The wrapper is what Reflex registers: its signature is the handler's without `member`,
    so pages bind it exactly as before. It is an async generator, so that the answer
    reaches the browser before the mails are sent.
    """

    async def wrapper(self, *args: Any, **kwargs: Any):
        member = await _member(self)
        if member is None:
            yield login_redirect(self)
            return
        if inspect.isasyncgenfunction(handler):
            async for events in handler(self, member, *args, **kwargs):
                yield events
        else:
            yield await handler(self, member, *args, **kwargs)
        await offload.deliver(member.outbox)

    functools.update_wrapper(wrapper, handler)
    del wrapper.__wrapped__  # Reflex reads the signature below, not the handler's
    signature = inspect.signature(handler)
    params = list(signature.parameters.values())
    wrapper.__signature__ = signature.replace(parameters=[params[0], *params[2:]])
    try:
        hints = typing.get_type_hints(handler)
    except NameError:
        hints = {}
    wrapper.__annotations__ = {k: v for k, v in hints.items() if k != params[1].name}
    wrapper.member_event = True
    return rx.event(wrapper)


def query_params(state: rx.State, *names: str) -> dict[str, str]:
    """The first value of each named parameter of the page's address ("" when absent): a gateway's return."""
    query = parse_qs(state.router.url.query or "")
    return {name: (query.get(name) or [""])[0] for name in names}
