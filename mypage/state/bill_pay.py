"""お支払い: from an unpaid bill to the gateway's payment page, and the return from it.

The amount and the invoice are fixed by the portal (mypage.billing.billpay); the browser only
says which of its own bills it wants to pay.
"""

from __future__ import annotations

import reflex as rx

from mypage import routes
from mypage.billing import billpay, payments
from mypage.settings import get_settings
from mypage.state.gateway_return import GatewayReturn
from mypage.state.member import MemberCall, member_event

MESSAGES = {
    billpay.Outcome.PAID: (
        "お支払いが完了しました。ありがとうございました。領収書はこのページからダウンロードできます。"
    ),
    billpay.Outcome.ALREADY_PAID: "このご請求はすでにお支払い済みです。二重にお支払いいただくことはありません。",
    billpay.Outcome.CANCELLED: "お支払いを取りやめました。ご請求は未払いのままです。",
    billpay.Outcome.INVALID: (
        "このお手続きは無効か、有効期限が切れています。お支払いは行われていません。"
        "お手数ですが、もう一度「お支払い」からお手続きください。"
    ),
    billpay.Outcome.FAILED: (
        "お支払いを完了できませんでした。しばらくしてから、もう一度お試しください。"
        "カードのご利用明細に覚えのないご請求がある場合は、お電話でお問い合わせください。"
    ),
}
NOT_PAYABLE = "このご請求は、マイページからお支払いいただけません。"


def _start(db, account_id: int, customer_id: int, invoice_id: int, ip: str) -> str | None:
    return_url = get_settings().base_url + routes.BILL_PAY_RETURN
    return billpay.start_payment(db, payments.gateway(), account_id, customer_id, invoice_id, return_url, ip=ip)


class PayState(GatewayReturn, rx.State):
    """The outcome of the last payment, shown once on ご請求明細."""

    @member_event
    async def load(self, member: MemberCall):
        """on_load of ご請求明細: the message stays only right after a return from the gateway."""
        self._message_once()

    @member_event
    async def start(self, member: MemberCall, invoice_id: int):
        """お支払い: a one-time nonce for this bill, then the browser goes to the gateway's payment page."""
        url = await member.run(_start, member.account_id, member.customer_id, int(invoice_id), member.ip)
        if url is None:
            self.message, self.succeeded, self._keep_message = NOT_PAYABLE, False, True
            return rx.redirect(routes.BILLS)
        return rx.redirect(url)

    @member_event
    async def finish(self, member: MemberCall):
        """on_load of the return page: check the nonce and the charge, mark the bill paid; then ご請求明細."""
        await self._returned(member, billpay.finish_payment, MESSAGES, billpay.Outcome.PAID)
        return rx.redirect(routes.BILLS, replace=True)
