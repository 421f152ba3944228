"""セキュリティ設定's state: a thin adapter to mypage.accounts.devices."""

from __future__ import annotations

import base64

import reflex as rx

from mypage.accounts import devices, two_step
from mypage.models import Account
from mypage.state.member import MemberCall, member_event, now
from mypage.state.views import DeviceRow, SignInRow, device_row, sign_in_row

# 二段階認証's field names on the page.
SETUP_CODE, OFF_PASSWORD, OFF_CODE = "setup_code", "off_password", "off_code"
ENABLED = "二段階認証を有効にしました。次回のログインから確認コードが必要です。"
DISABLED = "二段階認証を無効にしました。"
DEVICE_ENDED = "選択した端末からログアウトしました。"


def qr_src(setup: two_step.Setup) -> str:
    """The set-up's QR code as an image address."""
    return "data:image/svg+xml;base64," + base64.b64encode(setup.svg.encode()).decode()


def _two_step_status(db, account_id: int) -> tuple[bool, int]:
    return two_step.enabled(db.get(Account, account_id)), two_step.remaining_recovery_codes(db, account_id)


def _text(form: dict, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


class SecurityState(rx.State):
    """What セキュリティ設定 shows; nothing secret."""

    devices: list[DeviceRow] = []
    history: list[SignInRow] = []
    device_message: str = ""
    loaded: bool = False
    # 二段階認証: on or off, the set-up under way (QR code and secret for this member only),
    # the recovery codes right after set-up (shown once: gone at the next load), messages by field.
    two_step_on: bool = False
    recovery_left: int = 0
    setup_qr: str = ""
    setup_secret: str = ""
    recovery_codes: list[str] = []
    two_step_errors: dict[str, str] = {SETUP_CODE: "", OFF_PASSWORD: "", OFF_CODE: ""}
    two_step_message: str = ""

    async def _refresh(self, member: MemberCall) -> None:
        data = await member.run(devices.security, member.account_id, member.token, now())
        self._show(data, *await member.run(_two_step_status, member.account_id))

    def _show(self, data: devices.Security, two_step_on: bool, recovery_left: int) -> None:
        """The page's vars for this data (also used by the gallery)."""
        self.devices = [device_row(d) for d in data.devices]
        self.history = [sign_in_row(h) for h in data.history]
        self.two_step_on, self.recovery_left = two_step_on, recovery_left
        self.loaded = True

    def _clear_two_step(self) -> None:
        self.setup_qr = self.setup_secret = self.two_step_message = ""
        self.recovery_codes = []
        self.two_step_errors = {SETUP_CODE: "", OFF_PASSWORD: "", OFF_CODE: ""}

    @member_event
    async def load(self, member: MemberCall):
        """Open the screen: the live sessions and the last sign-ins."""
        self.device_message = ""
        self._clear_two_step()
        await self._refresh(member)

    @member_event
    async def start_two_step(self, member: MemberCall):
        """設定を始める: a new secret, its QR code and its text."""
        self._clear_two_step()
        setup = await member.run(two_step.begin, member.account_id, ip=member.ip)
        if setup is None:
            await self._refresh(member)
            return
        self.setup_qr = qr_src(setup)
        self.setup_secret = two_step.format_secret(setup.secret)

    @member_event
    async def confirm_two_step(self, member: MemberCall, form: dict):
        """有効にする: a code from the app turns it on; the recovery codes are shown once."""
        done = await member.run(two_step.confirm, member.account_id, _text(form, SETUP_CODE), ip=member.ip)
        if done.error:
            self.two_step_errors = {**self.two_step_errors, SETUP_CODE: done.error}
            return rx.set_value(f"field-{SETUP_CODE}", "")
        self._clear_two_step()
        self.recovery_codes = list(done.recovery_codes)
        self.two_step_message = ENABLED
        await self._refresh(member)
        return None

    @member_event
    async def disable_two_step(self, member: MemberCall, form: dict):
        """二段階認証を無効にする: the current password and a code."""
        done = await member.run(
            two_step.disable, member.account_id, _text(form, OFF_PASSWORD), _text(form, OFF_CODE, 40), ip=member.ip
        )
        self._clear_two_step()
        if done.ok:
            self.two_step_message = DISABLED
        else:
            self.two_step_errors = {
                SETUP_CODE: "",
                OFF_PASSWORD: done.errors.get("password", ""),
                OFF_CODE: done.errors.get("code", ""),
            }
        await self._refresh(member)
        return [rx.set_value(f"field-{OFF_PASSWORD}", ""), rx.set_value(f"field-{OFF_CODE}", "")]

    @member_event
    async def end_device(self, member: MemberCall, session_id: int):
        """ログアウト beside another device: only a live session of this account, never this one."""
        try:
            session_id = int(session_id)
        except (TypeError, ValueError):
            return
        ended = await member.run(devices.end_device, member.account_id, session_id, member.token, ip=member.ip)
        self.device_message = DEVICE_ENDED if ended else "その端末は、すでにログアウトしています。"
        await self._refresh(member)
