"""The cancel link in the notice to the old address: thin adapter to mypage.accounts.account_settings.

Public (the owner may be signed out): the link's token is the proof, kept in a backend var.
"""

from __future__ import annotations

import reflex as rx

from mypage.accounts import account_settings as core
from mypage.accounts import tokens
from mypage.state import offload
from mypage.state.auth import client_ip

CHECKING, DONE = "checking", "done"


class EmailCancelState(rx.State):
    """The cancel link's status; the token itself stays in a backend var."""

    status: str = CHECKING
    _token: str = ""

    @rx.event
    async def open_link(self):
        """Look the link up without using it, and take the token out of the address bar."""
        token = self.router.url.query_parameters.get("token", "")
        self._token = token[: tokens.MAX_LENGTH] if isinstance(token, str) else ""
        self.status = await offload.in_session(core.cancel_link_status, self._token)
        return rx.call_script("history.replaceState(null, '', location.pathname)")

    @rx.event
    async def cancel(self):
        """変更を取り消す: the pending change dies and every session of the account ends."""
        try:
            await offload.in_session(core.cancel_email_change_by_link, self._token, ip=client_ip(self))
        except tokens.TokenError as refused:
            self.status = refused.status
            return
        self.status, self._token = DONE, ""
