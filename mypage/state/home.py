"""マイページ初期画面's state: the holder's name, previous login, notices and this month's bill."""

from __future__ import annotations

import reflex as rx

from mypage import home, jptime
from mypage.state.member import MemberCall, member_event, now
from mypage.state.views import BillSummary, NoticeRow, bill_summary, notice_row


class HomeState(rx.State):
    """What the home screen shows; nothing secret."""

    name: str = ""
    previous_login: str = ""
    notices: list[NoticeRow] = []
    unread: int = 0
    bill: BillSummary | None = None
    loaded: bool = False

    @member_event
    async def load(self, member: MemberCall):
        """Fill the screen for the logged-in member."""
        data = await member.run(home.home, member.account_id, now())
        if data is None:
            return
        self.name = data.name
        self.previous_login = jptime.format_datetime(data.previous_login)
        self.notices = [notice_row(n) for n in data.notices]
        self.unread = data.unread
        self.bill = bill_summary(data.bill) if data.bill else None
        self.loaded = True
