"""ログインIDを忘れた場合 / パスワードを忘れた場合 / パスワード再設定: thin adapters to mypage.accounts.recovery."""

from __future__ import annotations

import reflex as rx

from mypage import mail
from mypage.accounts import recovery
from mypage.state import offload
from mypage.state.auth import client_ip
from mypage.state.forms import field_id


class RecoveryForm(rx.State, mixin=True):
    """The shared shape of both request forms."""

    answer: str = ""
    error: str = ""
    first_error: str = ""
    email_error: str = ""

    @rx.event
    def load(self):
        """Open the page with an empty form."""
        self.answer = self.error = self.first_error = self.email_error = ""

    async def _submit(self, kind: str, first: str, email: str, first_label: str):
        self.first_error = f"{first_label}を入力してください。" if not first.strip() else ""
        self.email_error = "メールアドレス1を入力してください。" if not email.strip() else ""
        if self.first_error or self.email_error:
            return
        # The request is recorded and its mail made, if any; the answer is the same either way.
        request = recovery.request_login_id if kind == "id" else recovery.request_password_reset
        try:
            message = await offload.in_session(request, first[:100], email[:254], ip=client_ip(self))
        except recovery.Throttled as throttled:
            self.answer, message = str(throttled), None
        else:
            self.answer = recovery.ID_ANSWER if kind == "id" else recovery.PASSWORD_ANSWER
        yield  # the answer goes out first; the mail after it, so its time tells nothing
        await offload.deliver([message] if message else [])


class ForgotIdState(RecoveryForm, rx.State):
    """ログインIDを忘れた場合."""

    @rx.event
    async def submit(self, form: dict):
        """送信する: お客様番号 + メールアドレス1."""
        async for update in self._submit(
            "id", str(form.get("customer_number", "")), str(form.get("email", "")), "お客様番号"
        ):
            yield update


class ForgotPasswordState(RecoveryForm, rx.State):
    """パスワードを忘れた場合."""

    @rx.event
    async def submit(self, form: dict):
        """送信する: ログインID + メールアドレス1."""
        async for update in self._submit(
            "password", str(form.get("login_id", "")), str(form.get("email", "")), "ログインID"
        ):
            yield update


class ResetPasswordState(rx.State):
    """パスワードの再設定: the link's token stays on the server once the page has read it."""

    valid: bool = False
    done: bool = False
    error: str = ""
    _token: str = ""

    @rx.event
    async def load(self):
        """Open the link: check it (using nothing), and take the token out of the address bar."""
        token = self.router.url.query_parameters.get("token") or self._token
        self._token, self.done, self.error = token[:100], False, ""
        self.valid = await offload.in_session(recovery.check_reset_token, self._token) is not None
        if not self.valid:
            self.error = recovery.INVALID_LINK
        return rx.call_script("history.replaceState(null, '', location.pathname)")

    @rx.event
    async def submit(self, form: dict):
        """パスワードを変更する: the token is used here, not by opening the link."""
        password, confirm = str(form.get("password", ""))[:200], str(form.get("password_confirm", ""))[:200]
        notice, problem = await offload.in_session(_reset, self._token, password, confirm, client_ip(self))
        if notice is None:
            self.error = problem
            self.valid = problem != recovery.INVALID_LINK
            yield rx.set_value(field_id("password"), "")
            yield rx.set_value(field_id("password_confirm"), "")
            return
        self.done, self.valid, self.error, self._token = True, False, "", ""
        yield
        await offload.deliver([notice])


def _reset(db, token: str, password: str, confirm: str, ip: str) -> tuple[mail.Mail | None, str]:
    """Set the password; the notice mail to send, or the message to show."""
    account, problem = recovery.reset_password(db, token, password, confirm, ip=ip)
    if account is None:
        return None, problem or recovery.INVALID_LINK
    return recovery.password_changed_mail(db, account), ""
