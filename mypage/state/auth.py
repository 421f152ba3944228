"""Who is logged in, for every member page and member event handler.

The session cookie is HttpOnly, so page JavaScript never sees it; Reflex keeps the
request headers of the websocket on the server, and this state reads the cookie from
`self.router.headers.cookie` and checks it against the session row on every call.

Interface for member pages and states:

- Register a member page with `template(route=..., title=..., member=True)`
  (mypage.components.layout). That adds `AuthState.check_login` as the first on_load
  event (no session → the login page with `?next=<this path>`, back here after login),
  the header's TOP / ログアウト, and the idle-timeout warning.
- Every member event handler (on_load ones included) is decorated with
  `mypage.state.member.member_event`, which checks the session itself, because any
  client can send any event. Never keep the account id in a public var, and never
  trust an id sent by the client.

When the logged-in account changes (logout, timeout, another subscriber logging in
in the same tab), every state of the tab except the 文字サイズ preference is reset,
so no var keeps the previous subscriber's data (see `SessionGuard`).
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

import reflex as rx
from reflex.middleware import Middleware

from mypage import audit, netaddr, routes
from mypage.accounts import sessions
from mypage.models import utcnow
from mypage.state import offload
from mypage.state.ui import UiState

_HYDRATE_EVENTS = ("hydrate", "hydrate_and_load")


def session_token(state: rx.State) -> str | None:
    """The session token of this tab's cookie (the websocket's request headers), or None."""
    return sessions.token_from_cookie_header(state.router.headers.cookie)


def client_ip(state: rx.State) -> str:
    """The client's address: the websocket's peer, X-Forwarded-For only from trusted proxies."""
    raw = state.router.headers.raw_headers
    return netaddr.client_ip(raw.get("asgi-scope-client", ""), raw.get("x-forwarded-for", ""))


def _forget_member_data(root: rx.State) -> None:
    """Reset every state of the tab but the 文字サイズ choice."""
    for substate in root.substates.values():
        if not isinstance(substate, UiState):
            substate.reset()


def login_url(path: str | None) -> str:
    """The login page, coming back to `path` after login."""
    target = sessions.safe_next(path)
    if target == routes.HOME:
        return routes.LOGIN
    return f"{routes.LOGIN}?{urlencode({'next': target})}"


def login_redirect(state: rx.State) -> rx.event.EventSpec:
    """Send the browser to the login page, to come back to the page it is on."""
    url = state.router.url
    return rx.redirect(login_url(url.path + (f"?{url.query}" if url.query else "")), replace=True)


def _time_left(db, token: str | None) -> dt.timedelta:
    row = sessions.resolve(db, token, touch=False)
    return sessions.idle_remaining(row) if row is not None else dt.timedelta(0)


def _logout(db, token: str | None, ip: str) -> None:
    account_id = sessions.revoke(db, token, now=utcnow())
    if account_id is not None:
        audit.record(db, "logout", account_id=account_id, ip=ip)


class AuthState(rx.State):
    """The session check; `_account_id` is the account whose data this tab's states may hold."""

    _account_id: int | None = None
    idle_warning: bool = False
    idle_minutes_left: int = 0

    async def _resolve(self, touch: bool = True) -> sessions.Member | None:
        """The member of the session cookie, checked against the database now, in a worker thread."""
        member = await offload.in_session(sessions.member_of, session_token(self), touch=touch)
        self._switch_to(member.account_id if member else None)
        return member

    def _switch_to(self, account_id: int | None) -> None:
        if account_id != self._account_id:
            if self._account_id is not None:
                _forget_member_data(self.parent_state)
            self._account_id = account_id
        if account_id is None:
            self.idle_warning = False

    @rx.event
    async def check_login(self):
        """on_load of every member page: without a live session, go to the login page."""
        if await self._resolve() is None:
            return login_redirect(self)
        self.idle_warning = False
        return None

    @rx.event
    async def tick(self):
        """The page's timer: warn before the idle timeout, leave when it has passed. Not activity."""
        if self._account_id is None:
            return None
        left = await offload.in_session(_time_left, session_token(self))
        if left <= dt.timedelta(0):
            self._switch_to(None)
            return rx.redirect(f"{routes.LOGIN}?{urlencode({'timeout': '1'})}", replace=True)
        self.idle_warning = left <= sessions.warn_before()
        self.idle_minutes_left = max(1, round(left.total_seconds() / 60))
        return None

    @rx.event
    async def stay_logged_in(self):
        """The warning's button: count as activity and hide the warning."""
        if await offload.in_session(sessions.extend, session_token(self)) is None:
            self._switch_to(None)
            return login_redirect(self)
        self.idle_warning = False
        return None

    @rx.event
    async def logout(self):
        """ログアウト: revoke the session, forget the tab's data, and let the server clear the cookie."""
        await offload.in_session(_logout, session_token(self), client_ip(self))
        self._switch_to(None)
        _forget_member_data(self.parent_state)
        return post_form(routes.SESSION_END, {})


def post_form(action: str, fields: dict[str, str]) -> rx.event.EventSpec:
    """Submit a POST form from the page: only an HTTP response can set or clear an HttpOnly cookie."""
    return rx.call_script(
        "(() => { const f = document.createElement('form'); f.method = 'post';"
        f" f.action = {json.dumps(action)}; f.hidden = true;"
        f" for (const [k, v] of Object.entries({json.dumps(fields)})) {{"
        " const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;"
        " f.appendChild(i); }"
        " document.body.appendChild(f); f.submit(); })()"
    )


class SessionGuard(Middleware):
    """Before a tab (re)hydrates, forget its states if the logged-in account has changed.

    Hydration sends every var of the tab's states to the browser; without this, a tab
    that was logged out, timed out or logged in as someone else would receive the
    previous subscriber's data again.
    """

    async def preprocess(self, app, state, event):  # noqa: D102 (Middleware's interface)
        if event.name.rpartition(".")[2] not in _HYDRATE_EVENTS:
            return None
        auth = await state.get_state(AuthState)
        await auth._resolve(touch=False)
        return None
