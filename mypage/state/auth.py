"""Who is logged in, for every member page and member event handler.

The session cookie is HttpOnly, so page JavaScript never sees it; Reflex keeps the
request headers of the websocket on the server, and this state reads the cookie from
`self.router.headers.cookie` and checks it against the session row on every call.

Interface for member pages and states:

- Register a member page with `template(route=..., title=..., member=True)`
  (mypage.components.layout). That adds `AuthState.check_login` as the first on_load
  event (no session → the login page with `?next=<this path>`, back here after login),
  the header's TOP / ログアウト, and the idle-timeout warning. Your own `on_load`
  events run after it; they must still check the session themselves (below),
  because any client can send any event.
- In every member event handler (on_load ones included):

      from mypage.state.auth import require_account, login_redirect

      @rx.event
      async def load(self):
          account = await require_account(self)
          if account is None:
              return login_redirect(self)
          ...  # account.id, account.customer_id, account.login_id, account.email

  `require_account(state)` returns the logged-in `Account` (detached; read its
  columns, do not lazy-load relations), or None; it counts as activity for the idle
  timeout. Never keep the account id in a public var, and never trust an id sent by
  the client: take it from `require_account`.
- After a change of password, e-mail or login ID, call
  `mypage.accounts.sessions.revoke_all_for_account(db, account_id, keep_token=...)` in the core
  with `await current_token(self)` to sign out the other devices.

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

from mypage import audit, db, netaddr, routes
from mypage.accounts import sessions
from mypage.models import Account, utcnow
from mypage.state.ui import UiState

_HYDRATE_EVENTS = ("hydrate", "hydrate_and_load")


def _cookie_token(state: rx.State) -> str | None:
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


class AuthState(rx.State):
    """The session check; `_account_id` is the account whose data this tab's states may hold."""

    _account_id: int | None = None
    idle_warning: bool = False
    idle_minutes_left: int = 0

    def _current_account_id(self, touch: bool = True) -> int | None:
        """The account of the session cookie, checked against the database now."""
        with db.session() as s:
            row = sessions.resolve(s, _cookie_token(self), touch=touch)
            account_id = row.account_id if row is not None else None
        self._switch_to(account_id)
        return account_id

    def _switch_to(self, account_id: int | None) -> None:
        if account_id != self._account_id:
            if self._account_id is not None:
                _forget_member_data(self.parent_state)
            self._account_id = account_id
        if account_id is None:
            self.idle_warning = False

    @rx.event
    def check_login(self):
        """on_load of every member page: without a live session, go to the login page."""
        if self._current_account_id() is None:
            return login_redirect(self)
        self.idle_warning = False
        return None

    @rx.event
    def tick(self):
        """The page's timer: warn before the idle timeout, leave when it has passed. Not activity."""
        if self._account_id is None:
            return None
        with db.session() as s:
            row = sessions.resolve(s, _cookie_token(self), touch=False)
            left = sessions.idle_remaining(row) if row is not None else dt.timedelta(0)
        if row is None or left <= dt.timedelta(0):
            self._switch_to(None)
            return rx.redirect(f"{routes.LOGIN}?{urlencode({'timeout': '1'})}", replace=True)
        self.idle_warning = left <= sessions.warn_before()
        self.idle_minutes_left = max(1, round(left.total_seconds() / 60))
        return None

    @rx.event
    def stay_logged_in(self):
        """The warning's button: count as activity and hide the warning."""
        with db.session() as s:
            row = sessions.extend(s, _cookie_token(self))
        if row is None:
            self._switch_to(None)
            return login_redirect(self)
        self.idle_warning = False
        return None

    @rx.event
    def logout(self):
        """ログアウト: revoke the session, forget the tab's data, and let the server clear the cookie."""
        with db.session() as s:
            account_id = sessions.revoke(s, _cookie_token(self), now=utcnow())
            if account_id is not None:
                audit.record(s, "logout", account_id=account_id, ip=client_ip(self))
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


async def require_account(state: rx.State) -> Account | None:
    """The logged-in account, checked against the session row now; None without a live session.

    Args:
        state: The state whose event handler is running.

    Returns:
        The account (detached from its database session), or None.
    """
    auth = await state.get_state(AuthState)
    account_id = auth._current_account_id()
    if account_id is None:
        return None
    with db.session() as s:
        return s.get(Account, account_id)


async def current_token(state: rx.State) -> str | None:
    """The session token of this tab's cookie, for revoke_all_for_account(keep_token=...)."""
    return _cookie_token(state)


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
        auth._current_account_id(touch=False)
        return None
