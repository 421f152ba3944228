"""マイページアカウント作成 → 入力内容の確認 → 送信完了: a thin adapter over mypage.accounts.registration.

What the browser sees: the values it typed (converted to half-width), the messages
and the CAPTCHA image. The checked form with its password hash, the CAPTCHA id and
the account id stay in backend vars; the passwords and the authentication code are
never sent back to the browser (the code boxes keep their own values).
"""

from __future__ import annotations

import json

import reflex as rx

from mypage import routes
from mypage.accounts import captcha, registration
from mypage.accounts.registration import Prepared, RegistrationError
from mypage.accounts.validation import (
    CAPTCHA,
    CODE_PARTS,
    CUSTOMER_NUMBER,
    EMAIL,
    FIELDS,
    LABELS,
    LOGIN_ID,
    Registration,
)
from mypage.mail import MailError
from mypage.models import Account, utcnow
from mypage.state import forms, offload
from mypage.state.auth import client_ip

BLANK = dict.fromkeys(FIELDS, "")
FORM_ERROR = "form"  # a message about the whole form, shown in the summary only


def field_id(name: str) -> str:
    """The id of a field's input; 認証コード's is its first box."""
    return forms.field_id(CODE_PARTS[0] if name == "auth_code" else name)


# The text boxes the server may fill in again; never the passwords, the code or the CAPTCHA.
_SHOWN = (LOGIN_ID, EMAIL, CUSTOMER_NUMBER)
_CLEARED = ("password", "password_confirm", CAPTCHA)


def _fill_empty(values: dict[str, str]) -> rx.event.EventSpec:
    """Put values into the boxes that are still empty and not being typed in; others are left alone.

    The page binds no default value to these boxes, so hydration never writes into them either.
    """
    return rx.call_script(
        f"for (const [id, v] of Object.entries({json.dumps(values)})) {{"
        " const el = document.getElementById(id);"
        " if (el && v && el.value === '' && el !== document.activeElement) el.value = v; }"
    )


def _resend(db, account_id: int, ip: str) -> None:
    account = db.get(Account, account_id)
    if account is None:
        raise registration.ResendRefused(
            "アカウントが見つかりません。お手数ですが、もう一度アカウント作成を行ってください。"
        )
    registration.resend_verification(db, account, utcnow(), ip)


class RegisterState(rx.State):
    """The registration form, its check and its result."""

    login_id: str = ""
    email: str = ""
    customer_number: str = ""
    errors: dict[str, str] = BLANK
    form_error: str = ""
    # Counts failed 次へ; the page's script moves the focus to the error summary when it changes.
    attempt: int = 0
    captcha_src: str = ""
    captcha_audio: str = ""  # 音声で聞く: the same challenge's sound
    sent_to: str = ""
    mail_failed: bool = False
    resend_message: str = ""
    resend_error: str = ""

    _captcha_id: str = ""
    _prepared: Prepared | None = None
    _account_id: int | None = None
    _keep_errors: bool = False

    @rx.var
    def error_items(self) -> list[dict[str, str]]:
        """The error summary's lines, in the form's order."""
        items = []
        if self.form_error:
            items.append({"label": "", "message": self.form_error, "href": "#error-summary", "target": "error-summary"})
        return items + forms.summary_items(self.errors, LABELS, field_id)

    async def _refresh_captcha(self) -> None:
        try:
            self._captcha_id, png = await offload.in_session(captcha.new_challenge, ip=client_ip(self))
            self.captcha_src = captcha.data_url(png)
        except captcha.Throttled as refused:
            self._captcha_id, self.captcha_src = "", ""
            self.errors = {**self.errors, CAPTCHA: str(refused)}
        self.captcha_audio = captcha.audio_url(self._captcha_id) if self._captcha_id else ""

    def _kept(self) -> dict[str, str]:
        return {LOGIN_ID: self.login_id, EMAIL: self.email, CUSTOMER_NUMBER: self.customer_number}

    def _fill_form(self) -> list[rx.event.EventSpec]:
        values = self._kept()
        return [rx.set_value(field_id(name), values[name]) for name in _SHOWN] + [
            rx.set_value(field_id(name), "") for name in _CLEARED
        ]

    @rx.event
    async def open_form(self):
        """On opening the form: a new image, the values kept from before (not passwords or CAPTCHA)."""
        if not self._keep_errors:
            self.errors, self.form_error = dict(BLANK), ""
        else:
            self.attempt += 1
        reopened = self._keep_errors
        keep = not reopened and await offload.in_session(captcha.is_open, self._captcha_id)
        self._keep_errors = False
        self._prepared = None
        values = {field_id(n): v for n, v in self._kept().items()}
        if keep:
            # A reconnect (Reflex runs on_load again, maybe on another worker): the image and the boxes stay
            # as they are. Nothing is written into them: a box React has just re-rendered would take the
            # kept value under the caret of someone already typing.
            return None
        await self._refresh_captcha()
        if reopened:
            return self._fill_form()
        # A first visit, or a tab whose state was lost: what is typed stays; only the old image's answer goes.
        return [_fill_empty(values), rx.set_value(field_id(CAPTCHA), "")]

    @rx.event
    async def change_captcha(self):
        """別の画像に変更."""
        await self._refresh_captcha()
        return rx.set_value(field_id(CAPTCHA), "")

    @rx.event
    async def submit(self, form_data: dict):
        """次へ: check everything; on success show 入力内容の確認, else every error at once."""
        if not isinstance(form_data, dict):
            return None
        form = Registration.from_form(form_data)
        shown, prepared, errors = await offload.in_session(
            registration.prepare, form, self._captcha_id, utcnow(), client_ip(self)
        )
        self.login_id, self.email, self.customer_number = shown.login_id, shown.email, shown.customer_number
        self.form_error = ""
        if prepared is not None:
            self._prepared, self.errors = prepared, dict(BLANK)
            return rx.redirect(routes.REGISTER_CONFIRM)
        self.errors = {**BLANK, **errors}
        self.attempt += 1
        await self._refresh_captcha()
        return self._fill_form()

    @rx.event
    def open_confirm(self):
        """入力内容の確認 only follows a successful 次へ."""
        if self._prepared is None:
            return rx.redirect(routes.REGISTER, replace=True)
        return None

    @rx.event
    def back_to_form(self):
        """戻る from 入力内容の確認: the password hash is dropped; the form keeps the other values."""
        self._prepared = None
        return rx.redirect(routes.REGISTER)

    @rx.event
    async def register(self):
        """登録する: create the pending account and send the verification mail."""
        prepared, self._prepared = self._prepared, None
        if prepared is None:
            return rx.redirect(routes.REGISTER)
        now = utcnow()
        try:
            account, token = await offload.in_session(registration.register, prepared, now, client_ip(self))
        except RegistrationError as refused:
            self.errors = dict(BLANK)
            if refused.field in BLANK:
                self.errors[refused.field] = refused.message
            else:
                self.form_error = refused.message
            self._keep_errors = True
            return rx.redirect(routes.REGISTER)
        mailed = True
        try:  # the account is committed; a mail that fails can be sent again from 送信完了
            await offload.in_session(registration.send_verification, account, token, now)
        except MailError:
            mailed = False
        self._account_id, self.sent_to, self.mail_failed = account.id, account.email, not mailed
        self.resend_message = self.resend_error = ""
        return rx.redirect(routes.REGISTER_SENT)

    @rx.event
    def open_sent(self):
        """送信完了 only follows a registration in this tab."""
        if self._account_id is None:
            return rx.redirect(routes.REGISTER, replace=True)
        return None

    @rx.event
    async def resend(self):
        """確認メールを再送信 (at most 3 an hour)."""
        if self._account_id is None:
            return
        self.resend_message = self.resend_error = ""
        try:
            await offload.in_session(_resend, self._account_id, client_ip(self))
        except registration.ResendRefused as refused:
            self.resend_error = refused.message
        except MailError:
            self.resend_error = "確認メールを送信できませんでした。しばらくしてから、もう一度お試しください。"
        else:
            self.mail_failed = False
            self.resend_message = f"{self.sent_to} 宛てに確認メールを再送信しました。"
