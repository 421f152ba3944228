"""セキュリティ設定's state: a thin adapter to mypage.accounts.devices."""

from __future__ import annotations

import dataclasses

import reflex as rx

from mypage.accounts import devices
from mypage.state.member import MemberCall, member_event, now


@dataclasses.dataclass
class DeviceRow:
    """One live session (ログイン中の端末); `session_id` only names it for ログアウト, the owner is checked."""

    session_id: int = 0
    browser: str = ""
    ip: str = ""
    started: str = ""
    last_active: str = ""
    current: bool = False


@dataclasses.dataclass
class SignInRow:
    """One sign-in attempt (ログイン履歴)."""

    at: str = ""
    result: str = ""
    ok: bool = False
    browser: str = ""
    ip: str = ""


class SecurityState(rx.State):
    """What セキュリティ設定 shows; nothing secret."""

    devices: list[DeviceRow] = []
    history: list[SignInRow] = []
    device_message: str = ""
    loaded: bool = False

    async def _refresh(self, member: MemberCall) -> None:
        data = await member.run(devices.security, member.account_id, member.token, now())
        self.devices = [DeviceRow(**dataclasses.asdict(d)) for d in data.devices]
        self.history = [SignInRow(**dataclasses.asdict(h)) for h in data.history]
        self.loaded = True

    @member_event
    async def load(self, member: MemberCall):
        """Open the screen: the live sessions and the last sign-ins."""
        self.device_message = ""
        await self._refresh(member)

    @member_event
    async def end_device(self, member: MemberCall, session_id: int):
        """ログアウト beside another device: only a live session of this account, never this one."""
        try:
            session_id = int(session_id)
        except (TypeError, ValueError):
            return
        ended = await member.run(devices.end_device, member.account_id, session_id, member.token, ip=member.ip)
        self.device_message = (
            "選択した端末からログアウトしました。" if ended else "その端末は、すでにログアウトしています。"
        )
        await self._refresh(member)
