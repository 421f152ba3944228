"""Where the gateway's payment page sends the subscriber back; it moves on to ご請求明細 by itself."""

from __future__ import annotations

import reflex as rx

from mypage import routes
from mypage.components.layout import template
from mypage.state.bill_pay import PayState


@template(route=routes.BILL_PAY_RETURN, title="お支払い", on_load=PayState.finish, member=True)
def bill_pay_return_page() -> rx.Component:
    """The return from the gateway's payment page."""
    return rx.vstack(
        rx.text("お支払いを確認しています…", role="status"),
        spacing="4",
        width="100%",
    )
