"""Web明細・お知らせ設定: paper statements on or off, ご請求額確定のお知らせ on or off."""

from __future__ import annotations

import reflex as rx

from mypage import jptime
from mypage.billing import preferences
from mypage.state.member import MemberCall, member_event, now

SAVED = {
    ("paperless", True): "Web明細に切り替えました。次回から紙の請求書は郵送されません。",
    ("paperless", False): "紙の請求書の郵送に戻しました。",
    ("bill_mail", True): "ご請求額確定のお知らせをメールでお送りします。",
    ("bill_mail", False): "ご請求額確定のお知らせのメールを停止しました。",
}


class BillSettingsState(rx.State):
    """The two choices and the last change's confirmation."""

    paperless: bool = False
    paperless_since: str = ""
    bill_mail: bool = True
    message: str = ""
    loaded: bool = False

    def _show(self, chosen: preferences.Preferences) -> None:
        self.paperless, self.bill_mail = chosen.paperless, chosen.bill_mail
        self.paperless_since = jptime.format_datetime(chosen.paperless_since).split(" ")[0]
        self.loaded = True

    @member_event
    async def load(self, member: MemberCall):
        """on_load: the current choices."""
        self.message = ""
        self._show(await member.run(preferences.preferences, member.account_id))

    @member_event
    async def set_paperless(self, member: MemberCall, on: bool):
        """Web明細 on or off (audited)."""
        on = on is True
        self._show(await member.run(preferences.set_paperless, member.account_id, on, ip=member.ip, now=now()))
        self.message = SAVED["paperless", on]

    @member_event
    async def set_bill_mail(self, member: MemberCall, on: bool):
        """ご請求額確定のお知らせ on or off (audited)."""
        on = on is True
        self._show(await member.run(preferences.set_bill_mail, member.account_id, on, ip=member.ip, now=now()))
        self.message = SAVED["bill_mail", on]
