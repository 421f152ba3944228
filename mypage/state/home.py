"""マイページ初期画面's state: the holder's name, previous login, notices and this month's bill."""

from __future__ import annotations

import reflex as rx

from mypage import db, home
from mypage.state.auth import login_redirect
from mypage.state.member import current_member, now
from mypage.state.views import BillSummary, NoticeRow, bill_summary, notice_row


class HomeState(rx.State):
    """What the home screen shows; nothing secret."""

    name: str = ""
    previous_login: str = ""
    notices: list[NoticeRow] = []
    unread: int = 0
    bill: BillSummary | None = None
    loaded: bool = False

    @rx.event
    async def load(self):
        """Fill the screen for the logged-in member."""
        member = await current_member(self)
        if member is None:
            return login_redirect(self)
        with db.session() as session:
            data = home.home(session, member.account_id, now())
        if data is None:
            return
        self.name = data.name
        self.previous_login = home.datetime_label(data.previous_login)
        self.notices = [notice_row(n) for n in data.notices]
        self.unread = data.unread
        self.bill = bill_summary(data.bill) if data.bill else None
        self.loaded = True
