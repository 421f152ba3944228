"""Login's second step (二段階認証): the 6-digit code after the right password.

LoginState hands over here when mypage.accounts.login answers TWO_STEP; the account whose
password was right stays in a backend var for `WINDOW`, never in the browser.
"""

from __future__ import annotations

import time

import reflex as rx

from mypage import routes
from mypage.accounts import login, sessions, two_step
from mypage.accounts.login import Outcome
from mypage.state import offload
from mypage.state.auth import client_ip, post_form

WINDOW = 300  # seconds from the right password to the code
EXPIRED = "時間が経過したため、もう一度ログインIDとパスワードを入力してください。"
CODE_FIELD = "field-two_step_code"


def _second_step(db, account_id: int, code: str, ip: str, user_agent: str) -> tuple[Outcome, str | None]:
    """The code's check and, on success, the one-time session ticket, in one transaction."""
    outcome = two_step.second_step(db, account_id, code, ip=ip, user_agent=user_agent)
    ticket = sessions.issue_ticket(db, outcome.account_id) if outcome.status == login.OK else None
    return outcome, ticket


class TwoStepLoginState(rx.State):
    """Whether the login page asks for the code, and its message."""

    active: bool = False
    code_error: str = ""
    error: str = ""
    _account_id: int | None = None
    _started: float = 0.0
    _next: str = ""

    def _begin(self, account_id: int, next_path: str) -> None:
        """Called by LoginState after the right password."""
        self.active, self.code_error, self.error = True, "", ""
        self._account_id, self._started, self._next = account_id, time.monotonic(), next_path

    def _end(self, error: str = "") -> None:
        self.active, self.code_error, self.error = False, "", error
        self._account_id, self._started = None, 0.0

    @rx.event
    async def submit_code(self, form: dict):
        """ログイン with the code: a session on success; a wrong code counts like a wrong password."""
        code = str(form.get("two_step_code", ""))[:40]
        self.code_error = self.error = ""
        if self._account_id is None or time.monotonic() - self._started > WINDOW:
            self._end(EXPIRED)
            return None
        if not code.strip():
            self.code_error = two_step.CODE_REQUIRED
            return None
        outcome, ticket = await offload.in_session(
            _second_step, self._account_id, code, client_ip(self), self.router.headers.user_agent
        )
        # A fifth wrong code locks the ID and mails its owner (after the commit; the password was right,
        # so the time taken tells nothing new).
        await offload.deliver(outcome.mails)
        if ticket is not None:
            next_path = self._next
            self._end()
            return post_form(routes.SESSION_START, {"ticket": ticket, "next": next_path})
        if outcome.status == login.INVALID:
            self.code_error = two_step.CODE_WRONG
            return rx.set_value(CODE_FIELD, "")
        self._end(outcome.message)  # locked or throttled: back to the password
        return rx.set_value(CODE_FIELD, "")

    @rx.event
    def cancel(self):
        """戻る: back to ログインID and パスワード."""
        self._end()
