"""The return from the gateway's own page, shared by お支払い (PayState) and クレジットカード変更 (CardState).

The return page's on_load hands the gateway's answer to the core, keeps the outcome's message
and sends the browser on; the next page's on_load shows that message once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

import reflex as rx

from mypage.billing import payments
from mypage.models import Account
from mypage.state.member import MemberCall, query_params

RETURN_QUERY = ("state", "token", "result")  # what the gateway puts on the return address


def _finish(db, finish: Callable[..., Any], account_id: int, **return_query: str) -> Any:
    return finish(db, payments.gateway(), db.get(Account, account_id), **return_query)


class GatewayReturn(rx.State, mixin=True):
    """The last return's message, shown once on the page the browser is sent on to."""

    message: str = ""
    succeeded: bool = False
    _keep_message: bool = False

    def _message_once(self) -> None:
        """For the page's on_load: the message stays only right after a return from the gateway."""
        if not self._keep_message:
            self.message, self.succeeded = "", False
        self._keep_message = False

    async def _returned(
        self, member: MemberCall, finish: Callable[..., Any], messages: Mapping[StrEnum, str], success: StrEnum
    ) -> Any:
        """Hand the gateway's answer to `finish(db, gateway, account, state=, token=, result=, ip=)`; keep its message.

        Returns:
            What `finish` returned (an outcome, or a result with an `outcome` and `mails`).
        """
        returned = query_params(self, *RETURN_QUERY)
        result = await member.run(_finish, finish, member.account_id, **returned, ip=member.ip)
        outcome = getattr(result, "outcome", result)
        self.message, self.succeeded, self._keep_message = messages[outcome], outcome == success, True
        return result
