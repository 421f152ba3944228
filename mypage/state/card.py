"""クレジットカード変更: the card on file, the way to the gateway's page, and the return from it.

The card's number never passes through here: the subscriber types it into the gateway's own
page, and the portal only gets a one-time token back (see mypage.billing.payments).
"""

from __future__ import annotations

import reflex as rx

from mypage import routes
from mypage.billing import payments
from mypage.settings import get_settings
from mypage.state.gateway_return import GatewayReturn
from mypage.state.member import MemberCall, member_event

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


class CardState(GatewayReturn, rx.State):
    """What the card page shows: brand, masked number and expiry, and the last return's message."""

    loaded: bool = False
    has_card: bool = False
    brand: str = ""
    number: str = ""
    expiry: str = ""

    @member_event
    async def load(self, member: MemberCall):
        """on_load of クレジットカード変更: the card on file; a message only right after a return."""
        self._message_once()
        card = await member.run(payments.card_of, member.customer_id)
        self.has_card = card is not None
        self.brand = card.brand if card else ""
        self.number = payments.masked(card.last4) if card else ""
        self.expiry = payments.format_expiry(card.exp_month, card.exp_year) if card else ""
        self.loaded = True

    @member_event
    async def start_change(self, member: MemberCall):
        """カードを変更する: a one-time nonce for this account, then the browser goes to the gateway."""
        nonce = await member.run(payments.start_checkout, member.account_id, ip=member.ip)
        return_url = get_settings().base_url + routes.CARD_RETURN
        # An absolute URL on another origin: Reflex hands it to window.location, a document navigation.
        return rx.redirect(payments.gateway().checkout_url(return_url, nonce))

    @member_event
    async def finish(self, member: MemberCall):
        """on_load of the return page: check the nonce, exchange the token, save; then show the card page."""
        await self._returned(member, payments.finish_checkout, MESSAGES, payments.Outcome.CHANGED)
        # The token and nonce leave the address bar; a reload does not try them again.
        return rx.redirect(routes.CARD, replace=True)
