"""マイページログイン: a thin adapter to mypage.accounts.login and the session ticket."""

from __future__ import annotations

import reflex as rx

from mypage import routes
from mypage.accounts import captcha, login, registration, sessions
from mypage.accounts.login import Outcome
from mypage.mail import MailError
from mypage.models import Account
from mypage.security import nfkc
from mypage.state import offload
from mypage.state.auth import client_ip, post_form
from mypage.state.forms import field_id
from mypage.state.two_step_login import TwoStepLoginState

LOGIN_ID_FIELD = "field-login_id"
NOTICES = {
    "logout": "ログアウトしました。",
    "timeout": "一定時間操作がなかったため、自動的にログアウトしました。もう一度ログインしてください。",
}


def _attempt(
    db, login_id: str, password: str, ip: str, captcha_id: str, answer: str, user_agent: str = ""
) -> tuple[Outcome, str | None]:
    """The login check and, on success, the one-time ticket, in one transaction (off the event loop: bcrypt)."""
    outcome = login.attempt(
        db,
        login_id,
        password,
        ip=ip,
        captcha_id=captcha_id or None,
        captcha_answer=answer or None,
        user_agent=user_agent,
    )
    ticket = sessions.issue_ticket(db, outcome.account_id) if outcome.status == login.OK else None
    return outcome, ticket


def _resend(db, account_id: int, ip: str) -> None:
    account = db.get(Account, account_id)
    if account is not None:
        registration.resend_verification(db, account, ip=ip)


class LoginState(rx.State):
    """The form's messages; the password never comes back from the server."""

    login_id: str = ""
    login_id_error: str = ""
    password_error: str = ""
    error: str = ""
    notice: str = ""
    pending: bool = False
    resend_message: str = ""
    captcha_image: str = ""
    captcha_audio: str = ""  # 音声で聞く: the same challenge's sound
    captcha_error: str = ""
    _captcha_id: str = ""
    _pending_account_id: int | None = None
    _next: str = ""

    async def _show_captcha(self, required: bool) -> None:
        """A fresh challenge when the address needs one (each is good for one answer), else none."""
        if not required:
            self._captcha_id, self.captcha_image, self.captcha_audio = "", "", ""
            return
        try:
            self._captcha_id, png = await offload.in_session(captcha.new_challenge, ip=client_ip(self))
        except captcha.Throttled as refused:
            self._captcha_id, self.captcha_image, self.captcha_error = "", "", str(refused)
            return
        self.captcha_image = captcha.data_url(png)
        self.captcha_audio = captcha.audio_url(self._captcha_id)

    @rx.event
    async def load(self):
        """Open the page: the notice from the query, and the CAPTCHA if this address needs it."""
        query = self.router.url.query_parameters
        self._next = sessions.safe_next(query.get("next"))
        self.notice = next((text for key, text in NOTICES.items() if query.get(key)), "")
        self.login_id_error = self.password_error = self.error = self.captcha_error = ""
        self.pending, self.resend_message, self._pending_account_id = False, "", None
        (await self.get_state(TwoStepLoginState))._end()
        await self._show_captcha(await offload.in_session(login.captcha_required, client_ip(self)))

    @rx.event
    def normalize_login_id(self, value: str = ""):
        """On leaving ログインID: show the half-width form of what was typed (only if it differs)."""
        typed = value[:100] if isinstance(value, str) else ""
        self.login_id = nfkc(typed)
        if self.login_id != typed:
            return rx.set_value(LOGIN_ID_FIELD, self.login_id)
        return None

    @rx.event
    def clear(self):
        """クリア: empty both fields and every message."""
        self.login_id = ""
        self.login_id_error = self.password_error = self.error = self.captcha_error = ""
        self.notice = ""
        self.pending, self.resend_message, self._pending_account_id = False, "", None
        return [rx.set_value(LOGIN_ID_FIELD, ""), rx.set_value(field_id("password"), "")]

    @rx.event
    async def submit(self, form: dict):
        """ログイン: check, then hand the browser the ticket to post for its session cookie."""
        self.login_id = nfkc(str(form.get("login_id", "")))[:100]
        password = str(form.get("password", ""))[:200]
        answer = str(form.get("captcha", ""))[:32]
        self.login_id_error = "ログインIDを入力してください。" if not self.login_id else ""
        self.password_error = "パスワードを入力してください。" if not password else ""
        self.error = self.captcha_error = self.notice = self.resend_message = ""
        self.pending, self._pending_account_id = False, None
        if self.login_id_error or self.password_error:
            return
        if self.captcha_image and not answer:
            self.captcha_error = "画像認証の数字を入力してください。"
            return
        outcome, ticket = await offload.in_session(
            _attempt, self.login_id, password, client_ip(self), self._captcha_id, answer, self.router.headers.user_agent
        )
        if ticket is not None:
            yield post_form(routes.SESSION_START, {"ticket": ticket, "next": self._next})
            return
        if outcome.status == login.TWO_STEP:  # 二段階認証: the code comes next
            (await self.get_state(TwoStepLoginState))._begin(outcome.account_id, self._next)
            yield rx.set_value(field_id("password"), "")
            return
        if outcome.status == login.PENDING:
            self.pending, self._pending_account_id = True, outcome.account_id
        if outcome.status == login.CAPTCHA:
            self.captcha_error = outcome.message
        else:
            self.error = outcome.message
        await self._show_captcha(outcome.captcha_required)
        yield [rx.set_value(LOGIN_ID_FIELD, self.login_id), rx.set_value(field_id("password"), "")]
        # The lock mail, after the answer (its time must not tell whether the ID has an account).
        await offload.deliver(outcome.mails)

    @rx.event
    async def resend(self):
        """確認メールを再送信, for the pending account whose password was just right."""
        if self._pending_account_id is None:
            return
        try:
            await offload.in_session(_resend, self._pending_account_id, client_ip(self))
            self.resend_message = "確認メールを再送信しました。メールのURLを開いて、認証を完了してください。"
        except registration.ResendRefused as refused:
            self.resend_message = str(refused)
        except MailError:
            self.resend_message = "メールを送信できませんでした。しばらくしてからもう一度お試しください。"
