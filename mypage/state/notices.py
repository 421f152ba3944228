"""お知らせ's state: the list, one notice, and the account's read marks."""

from __future__ import annotations

import reflex as rx

from mypage import notices
from mypage.state.member import MemberCall, member_event, now
from mypage.state.views import NoticeRow, notice_row


class NoticesState(rx.State):
    """The visible notices, unread first, and the one being read."""

    items: list[NoticeRow] = []
    current: NoticeRow | None = None
    loaded: bool = False

    @member_event
    async def load_list(self, member: MemberCall):
        """Fill the list for the logged-in member."""
        found = await member.run(notices.visible, member.customer_id, member.account_id, now())
        self.items = [notice_row(n) for n in found]
        self.loaded = True

    @member_event
    async def load_detail(self, member: MemberCall):
        """Show the notice of the URL, if this member may see it, and mark it read."""
        self.current, self.loaded = None, False
        # The id is the URL's last segment (/notices/<id>); it only selects, the query checks the owner.
        raw = self.router.url.path.rstrip("/").rpartition("/")[2]
        found = None
        if raw.isdecimal():
            found = await member.run(notices.open_notice, int(raw), member.customer_id, member.account_id, now())
        self.current = notice_row(found, with_body=True) if found else None
        self.loaded = True
