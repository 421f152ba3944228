"""クレジットカード変更: the card on file, the way to the gateway's page, and the return from it.

The card's number never passes through here: the subscriber types it into the gateway's own
page, and the portal only gets a one-time token back (see mypage.billing.payments).
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import reflex as rx

from mypage import db, routes
from mypage.billing import payments
from mypage.settings import get_settings
from mypage.state.auth import client_ip, login_redirect, require_account

MESSAGES = {
    payments.Outcome.CHANGED: "クレジットカードを変更しました。",
    payments.Outcome.CANCELLED: "クレジットカードの変更を取りやめました。登録内容は変わっていません。",
    payments.Outcome.INVALID: (
        "このお手続きは無効か、有効期限が切れています。登録内容は変わっていません。"
        "お手数ですが、もう一度「カードを変更する」からお手続きください。"
    ),
    payments.Outcome.FAILED: (
        "カード会社との通信ができなかったため、クレジットカードを変更できませんでした。"
        "しばらくしてから、もう一度お試しください。"
    ),
}


class CardState(rx.State):
    """What the card page shows: brand, masked number and expiry, and the last return's message."""

    loaded: bool = False
    has_card: bool = False
    brand: str = ""
    number: str = ""
    expiry: str = ""
    message: str = ""
    succeeded: bool = False
    _keep_message: bool = False

    def _show_card(self, customer_id: int) -> None:
        with db.session() as s:
            card = payments.card_of(s, customer_id)
            self.has_card = card is not None
            self.brand = card.brand if card else ""
            self.number = payments.masked(card.last4) if card else ""
            self.expiry = payments.format_expiry(card.exp_month, card.exp_year) if card else ""
        self.loaded = True

    @rx.event
    async def load(self):
        """on_load of クレジットカード変更: the card on file; a message only right after a return."""
        account = await require_account(self)
        if account is None:
            return login_redirect(self)
        if not self._keep_message:
            self.message, self.succeeded = "", False
        self._keep_message = False
        self._show_card(account.customer_id)
        return None

    @rx.event
    async def start_change(self):
        """カードを変更する: a one-time nonce for this account, then the browser goes to the gateway."""
        account = await require_account(self)
        if account is None:
            return login_redirect(self)
        with db.session() as s:
            nonce = payments.start_checkout(s, account.id, ip=client_ip(self))
            s.commit()
        return_url = get_settings().base_url + routes.CARD_RETURN
        # An absolute URL on another origin: Reflex hands it to window.location, a document navigation.
        return rx.redirect(payments.gateway().checkout_url(return_url, nonce))

    @rx.event
    async def finish(self):
        """on_load of the return page: check the nonce, exchange the token, save; then show the card page."""
        account = await require_account(self)
        if account is None:
            return login_redirect(self)
        query = parse_qs(self.router.url.query or "")
        first = lambda name: (query.get(name) or [""])[0]  # noqa: E731
        ip = client_ip(self)

        def work() -> payments.Outcome:
            with db.session() as s:
                return payments.finish_checkout(
                    s,
                    payments.gateway(),
                    account,
                    state=first("state"),
                    token=first("token"),
                    result=first("result"),
                    ip=ip,
                )

        outcome = await asyncio.to_thread(work)
        self.message = MESSAGES[outcome]
        self.succeeded = outcome == payments.Outcome.CHANGED
        self._keep_message = True
        # The token and nonce leave the address bar; a reload does not try them again.
        return rx.redirect(routes.CARD, replace=True)
