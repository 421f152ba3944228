"""ご契約内容参照's state."""

from __future__ import annotations

import reflex as rx

from mypage import jptime
from mypage.billing import contract, statements
from mypage.state.member import MemberCall, member_event, now
from mypage.state.views import ServiceRow, service_row


class ContractState(rx.State):
    """The customer's details and services."""

    name: str = ""
    kana: str = ""
    customer_number: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    services: list[ServiceRow] = []
    monthly_total: str = ""
    loaded: bool = False

    @member_event
    async def load(self, member: MemberCall):
        """Fill the screen for the logged-in member."""
        data = await member.run(contract.contract, member.customer_id, jptime.today(now()))
        if data is None:
            return
        self.name, self.kana, self.customer_number = data.name, data.kana, data.customer_number
        self.postal_code, self.address, self.phone = data.postal_code, data.address, data.phone
        self.services = [service_row(s) for s in data.services]
        self.monthly_total = statements.yen(data.monthly_total)
        self.loaded = True
