"""メールアドレスの認証: the mailed link shows one button; only pressing it uses the token.

Mail scanners open links, so opening the page only looks the token up.
"""

from __future__ import annotations

import reflex as rx

from mypage import routes
from mypage.accounts import registration
from mypage.mail import MailError
from mypage.models import utcnow
from mypage.state import offload
from mypage.state.auth import client_ip

# The login screen shows "✔ アカウントを認証しました。" when it is opened with this query.
VERIFIED_QUERY = "verified"
CHECKING = "checking"


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
        self.status, _account = await offload.in_session(registration.token_status, self._token, utcnow())
        return rx.call_script("history.replaceState(null, '', location.pathname)")

    @rx.event
    async def confirm(self):
        """メールアドレスを認証する: activate the account, then the login screen says so."""
        try:
            await offload.in_session(registration.verify, self._token, utcnow(), client_ip(self))
        except registration.TokenError as refused:
            self.status = refused.status
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
            await offload.in_session(registration.resend_for_token, self._token, utcnow(), client_ip(self))
        except registration.ResendRefused as refused:
            self.error = refused.message
        except MailError:
            self.error = "確認メールを送信できませんでした。しばらくしてから、もう一度お試しください。"
        else:
            self.message = "確認メールを再送信しました。新しいメールのリンクから認証してください。"
