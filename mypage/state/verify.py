"""メールアドレスの認証: the mailed link shows one button; only pressing it uses the token.

Mail scanners open links, so opening the page only looks the token up.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from mypage import db, routes
from mypage.accounts import registration
from mypage.mail import MailError
from mypage.models import utcnow
from mypage.state.auth import client_ip

# The login screen shows "✔ アカウントを認証しました。" when it is opened with this query.
VERIFIED_QUERY = "verified"
CHECKING = "checking"


def _status(token: str) -> str:
    with db.session() as session:
        return registration.token_status(session, token, utcnow())[0]


def _verify(token: str, ip: str) -> str | None:
    try:
        with db.session() as session:
            registration.verify(session, token, utcnow(), ip)
    except registration.TokenError as refused:
        return refused.status
    return None


def _resend(token: str, ip: str) -> None:
    with db.session() as session:
        registration.resend_for_token(session, token, utcnow(), ip)


class VerifyState(rx.State):
    """The verification link's status; the token itself stays in a backend var."""

    status: str = CHECKING
    message: str = ""
    error: str = ""

    _token: str = ""

    @rx.event
    async def open_link(self):
        """Look the token up without using it, and take it out of the address bar (and the history)."""
        token = self.router.url.query_parameters.get("token", "")
        self._token = token[:100] if isinstance(token, str) else ""
        self.message = self.error = ""
        self.status = await asyncio.to_thread(_status, self._token)
        return rx.call_script("history.replaceState(null, '', location.pathname)")

    @rx.event
    async def confirm(self):
        """メールアドレスを認証する: activate the account, then the login screen says so."""
        problem = await asyncio.to_thread(_verify, self._token, client_ip(self))
        if problem is not None:
            self.status = problem
            return None
        self.status = registration.USED
        return rx.redirect(f"{routes.LOGIN}?{VERIFIED_QUERY}=1", replace=True)

    @rx.event
    async def resend(self):
        """A new mail for an expired link."""
        if self.status != registration.EXPIRED:
            return
        self.message = self.error = ""
        try:
            await asyncio.to_thread(_resend, self._token, client_ip(self))
        except registration.ResendRefused as refused:
            self.error = refused.message
        except MailError:
            self.error = "確認メールを送信できませんでした。しばらくしてから、もう一度お試しください。"
        else:
            self.message = "確認メールを再送信しました。新しいメールのリンクから認証してください。"
