"""お支払い on an unpaid bill, the paid date and method and the 領収書 of a paid one, and the payment's outcome."""

from __future__ import annotations

import reflex as rx

from mypage import styles
from mypage.components.member import download_link, facts, outcome_message
from mypage.state.bill_pay import PayState


def pay_button(item) -> rx.Component:
    """お支払い: only on a bill the subscriber can pay online."""
    return rx.cond(
        item.payable,
        rx.button(
            "お支払い",
            on_click=PayState.start(item.id),
            aria_label="お支払い（" + item.label + "）",
            size="3",
            style={"min_height": styles.TOUCH_TARGET},
        ),
    )


def paid_details(item) -> rx.Component:
    """お支払日, お支払方法 and the 領収書 of a paid bill."""
    return rx.cond(
        item.paid_on != "",
        rx.el.div(
            facts(("お支払日", item.paid_on), ("決済方法", item.paid_method)),
            download_link("領収書（PDF）", item.receipt_url, "領収書（" + item.label + "）"),
            class_name="statement-details",  # a column, as the month's details
        ),
    )


def pay_message() -> rx.Component:
    """The outcome of the last visit to the gateway's payment page: a status on success, an alert otherwise."""
    return outcome_message(PayState.message, PayState.succeeded)
