"""クレジットカード変更: the card on file, and the way to the payment gateway's own card page."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.components.layout import template
from mypage.components.member import back_home, empty_state, facts, outcome_message, section_heading
from mypage.state.card import CardState

NO_CARD = "登録されているクレジットカードはありません。"


def result_message() -> rx.Component:
    """The outcome of the last visit to the gateway: a status on success, an alert otherwise."""
    return outcome_message(CardState.message, CardState.succeeded)


def current_card() -> rx.Component:
    """Brand, masked number and expiry, or a sentence saying there is none."""
    return rx.vstack(
        section_heading("登録中のクレジットカード"),
        rx.cond(
            CardState.has_card,
            rx.box(
                facts(
                    ("カードブランド", CardState.brand),
                    ("カード番号", CardState.number),
                    ("有効期限", CardState.expiry),
                ),
                style={**styles.card, "width": "100%"},
            ),
            rx.cond(CardState.loaded, empty_state(NO_CARD)),
        ),
        spacing="3",
        width="100%",
    )


@template(route=routes.CARD, title="クレジットカード変更", on_load=CardState.load, member=True)
def card_page() -> rx.Component:
    """クレジットカード変更."""
    return rx.vstack(
        result_message(),
        current_card(),
        section_heading("カードの変更"),
        rx.text(
            "「カードを変更する」を押すと、決済代行会社のカード情報入力ページに移ります。"
            "カード番号は決済代行会社だけが扱い、マイページには保存されません。"
            "登録が終わると、このページに戻ります。"
        ),
        rx.button(
            "カードを変更する", on_click=CardState.start_change, size="3", style={"min_height": styles.TOUCH_TARGET}
        ),
        back_home(),
        spacing="4",
        width="100%",
    )


@template(route=routes.CARD_RETURN, title="クレジットカード変更", on_load=CardState.finish, member=True)
def card_return_page() -> rx.Component:
    """Where the gateway sends the subscriber back; it moves on to クレジットカード変更 by itself."""
    return rx.vstack(
        rx.text("カード情報を確認しています…", role="status"),
        spacing="4",
        width="100%",
    )
