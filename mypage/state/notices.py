"""お知らせ's state: the list, one notice, and the account's read marks."""

from __future__ import annotations

import reflex as rx

from mypage import db, notices
from mypage.state.auth import login_redirect
from mypage.state.member import current_member, now
from mypage.state.views import NoticeRow, notice_row


class NoticesState(rx.State):
    """The visible notices, unread first, and the one being read."""

    items: list[NoticeRow] = []
    current: NoticeRow | None = None
    loaded: bool = False

    @rx.event
    async def load_list(self):
        """Fill the list for the logged-in member."""
        member = await current_member(self)
        if member is None:
            return login_redirect(self)
        with db.session() as session:
            found = notices.visible(session, member.customer_id, member.account_id, now())
        self.items = [notice_row(n) for n in found]
        self.loaded = True

    @rx.event
    async def load_detail(self):
        """Show the notice of the URL, if this member may see it, and mark it read."""
        self.current, self.loaded = None, False
        member = await current_member(self)
        if member is None:
            return login_redirect(self)
        # The id is the URL's last segment (/notices/<id>); it only selects, the query checks the owner.
        raw = self.router.url.path.rstrip("/").rpartition("/")[2]
        moment = now()
        with db.session() as session:
            found = None
            if raw.isdecimal():
                found = notices.get(session, int(raw), member.customer_id, member.account_id, moment)
            if found is not None:
                notices.mark_read(session, found.id, member.customer_id, member.account_id, moment)
        self.current = notice_row(found, with_body=True) if found else None
        self.loaded = True
