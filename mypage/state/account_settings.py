"""ID・パスワード変更 and the e-mail confirmation link: thin adapters to mypage.accounts.account_settings.

Passwords are never kept in a var and the boxes are emptied after each try; the other
values come back converted (full-width to half-width) so the subscriber sees what was checked.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from mypage import mail, routes
from mypage.accounts import account_settings as core
from mypage.accounts import registration
from mypage.mail import MailError
from mypage.models import Account
from mypage.state import offload
from mypage.state.auth import client_ip, post_form, session_token
from mypage.state.forms import field_id, summary_items
from mypage.state.member import MemberCall, member_event

# The page's field names (one page, three forms: each name is unique) and their labels.
ID_CURRENT, NEW_LOGIN_ID = "id_current_password", "new_login_id"
PW_CURRENT, NEW_PASSWORD, NEW_PASSWORD_CONFIRM = "pw_current_password", "new_password", "new_password_confirm"
MAIL_CURRENT, NEW_EMAIL = "mail_current_password", "new_email"
CURRENT_LABEL = "現在のパスワード"
LABELS = {
    ID_CURRENT: CURRENT_LABEL,
    NEW_LOGIN_ID: "新しいログインID",
    PW_CURRENT: CURRENT_LABEL,
    NEW_PASSWORD: "新しいパスワード",
    NEW_PASSWORD_CONFIRM: "新しいパスワード(確認)",
    MAIL_CURRENT: CURRENT_LABEL,
    NEW_EMAIL: "新しいメールアドレス",
}
# The core's field names, per form, in the form's order.
ID_FIELDS = {core.CURRENT: ID_CURRENT, core.LOGIN_ID: NEW_LOGIN_ID}
PW_FIELDS = {core.CURRENT: PW_CURRENT, core.PASSWORD: NEW_PASSWORD, core.PASSWORD_CONFIRM: NEW_PASSWORD_CONFIRM}
MAIL_FIELDS = {core.CURRENT: MAIL_CURRENT, core.EMAIL: NEW_EMAIL}
# After a password change the page comes back with this query (the new session cookie's round trip).
PASSWORD_CHANGED_QUERY = "password_changed"
PASSWORD_DONE = "パスワードを変更しました。この画面以外の端末では、ログアウトしました。"
MAIL_FAILED = "確認メールを送信できませんでした。メールアドレスをご確認のうえ、しばらくしてからもう一度お試しください。"


def login_id_done(login_id: str) -> str:
    """ログインIDを変更する went through."""
    return f"ログインIDを「{login_id}」に変更しました。次回から新しいログインIDでログインしてください。"


def mail_sent(email: str) -> str:
    """確認メールを送信する went through."""
    return (
        f"{email} 宛てに確認メールを送信しました。メールのURLを開き、"
        "「メールアドレスを変更する」ボタンを押すと変更が完了します（有効期限24時間）。"
    )


def others_done(ended: int) -> str:
    """他の端末からログアウトする: how many."""
    return f"他の端末（{ended}件）からログアウトしました。" if ended else "ほかにログイン中の端末はありませんでした。"


def _text(form: dict, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value[: limit * 4] if isinstance(value, str) else ""


NO_ERRORS = dict.fromkeys(LABELS, "")


def _current_values(db, account_id: int) -> tuple[str, str, str]:
    fresh = db.get(Account, account_id)
    return fresh.login_id, fresh.email, core.pending_email(db, account_id)


def _by_field(errors: dict[str, str], fields: dict[str, str]) -> dict[str, str]:
    """Every field of the page, "" where there is nothing to say (the page reads each key)."""
    return {**NO_ERRORS, **{fields[name]: errors[name] for name in fields if name in errors}}


def _summary(errors: dict[str, str]) -> list[dict[str, str]]:
    return summary_items(errors, LABELS)


class AccountSettingsState(rx.State):
    """What the screen shows: the current login ID and address, each form's messages."""

    login_id: str = ""
    email: str = ""
    pending_email: str = ""
    errors: dict[str, str] = NO_ERRORS
    id_summary: list[dict[str, str]] = []
    pw_summary: list[dict[str, str]] = []
    mail_summary: list[dict[str, str]] = []
    new_login_id: str = ""
    new_email: str = ""
    id_done: str = ""
    pw_done: str = ""
    mail_done: str = ""
    others_done: str = ""

    async def _refresh(self, member: MemberCall) -> None:
        self.login_id, self.email, self.pending_email = await member.run(_current_values, member.account_id)

    def _clear_messages(self) -> None:
        self.errors = dict(NO_ERRORS)
        self.id_summary, self.pw_summary, self.mail_summary = [], [], []
        self.id_done = self.pw_done = self.mail_done = self.others_done = ""

    @member_event
    async def load(self, member: MemberCall):
        """Open the screen: the current values, empty forms."""
        self._clear_messages()
        self.new_login_id = self.new_email = ""
        if self.router.url.query_parameters.get(PASSWORD_CHANGED_QUERY) == "1":
            self.pw_done = PASSWORD_DONE
        await self._refresh(member)

    @member_event
    async def change_login_id(self, member: MemberCall, form: dict):
        """ログインIDを変更する."""
        current, typed = _text(form, ID_CURRENT), _text(form, NEW_LOGIN_ID)
        result = await member.run(core.change_login_id, member.account_id, current, typed, ip=member.ip)
        self._clear_messages()
        self.new_login_id = result.value
        if result.ok:
            self.id_done = login_id_done(result.value)
            self.new_login_id = ""
            await self._refresh(member)
        else:
            self.errors = _by_field(result.errors, ID_FIELDS)
            self.id_summary = _summary(self.errors)
        return [rx.set_value(field_id(ID_CURRENT), ""), rx.set_value(field_id(NEW_LOGIN_ID), self.new_login_id)]

    @member_event
    async def change_password(self, member: MemberCall, form: dict):
        """パスワードを変更する: this browser stays logged in, the others are logged out."""
        result = await member.run(
            core.change_password,
            member.account_id,
            _text(form, PW_CURRENT),
            _text(form, NEW_PASSWORD),
            _text(form, NEW_PASSWORD_CONFIRM),
            keep_token=member.token,
            ip=member.ip,
        )
        self._clear_messages()
        emptied = [rx.set_value(field_id(name), "") for name in (PW_CURRENT, NEW_PASSWORD, NEW_PASSWORD_CONFIRM)]
        if result.ok:
            self.pw_done = PASSWORD_DONE
            # This browser's session ended with the change: the ticket buys the new cookie.
            back = f"{routes.ACCOUNT_SETTINGS}?{PASSWORD_CHANGED_QUERY}=1"
            return [*emptied, post_form(routes.SESSION_START, {"ticket": result.ticket, "next": back})]
        self.errors = _by_field(result.errors, PW_FIELDS)
        self.pw_summary = _summary(self.errors)
        return emptied

    @member_event
    async def change_email(self, member: MemberCall, form: dict):
        """確認メールを送信する: the address changes once the link's page button is pressed."""
        # Not member.run: the confirmation goes out before the answer, which depends on it.
        result = await offload.in_session(
            core.request_email_change,
            member.account_id,
            _text(form, MAIL_CURRENT),
            _text(form, NEW_EMAIL, 254),
            ip=member.ip,
        )
        self._clear_messages()
        self.new_email = result.value
        if result.ok:
            confirmation, *rest = result.mails
            try:
                await asyncio.to_thread(mail.send, confirmation.to, confirmation.subject, confirmation.body)
            except MailError:
                # A link nobody received must not stay pending.
                await offload.in_session(core.cancel_email_change, member.account_id)
                self.errors = {**NO_ERRORS, NEW_EMAIL: MAIL_FAILED}
                self.mail_summary = _summary(self.errors)
            else:
                self.mail_done = mail_sent(result.value)
                self.new_email = ""
                member.outbox.extend(rest)
            await self._refresh(member)
        else:
            self.errors = _by_field(result.errors, MAIL_FIELDS)
            self.mail_summary = _summary(self.errors)
            member.outbox.extend(result.mails)  # a lock mail, if this try locked the ID
        return [rx.set_value(field_id(MAIL_CURRENT), ""), rx.set_value(field_id(NEW_EMAIL), self.new_email)]

    @member_event
    async def sign_out_others(self, member: MemberCall):
        """他の端末からログアウトする."""
        ended = await member.run(core.sign_out_other_devices, member.account_id, keep_token=member.token, ip=member.ip)
        self._clear_messages()
        self.others_done = others_done(ended)


class EmailConfirmState(rx.State):
    """The confirmation link's page; the token stays in a backend var."""

    status: str = "checking"
    new_email: str = ""
    _token: str = ""

    @rx.event
    async def open_link(self):
        """Look the link up without using it, and take the token out of the address bar."""
        token = self.router.url.query_parameters.get("token", "")
        self._token = token[:100] if isinstance(token, str) else ""
        self.new_email = ""

        self.status, email = await offload.in_session(core.email_link_status, self._token)
        self.new_email = email if self.status == core.VALID else ""
        return rx.call_script("history.replaceState(null, '', location.pathname)")

    @rx.event
    async def confirm(self):
        """メールアドレスを変更する: the link is used here, not by opening it."""
        try:
            self.new_email, mails = await offload.in_session(
                core.confirm_email_change, self._token, keep_token=session_token(self), ip=client_ip(self)
            )
        except registration.TokenError as refused:
            self.status = refused.status
            return
        self.status, self._token = "done", ""
        yield
        await offload.deliver(mails)
