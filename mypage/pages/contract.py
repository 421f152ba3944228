"""ご契約内容参照: the customer's details and each service with its monthly fee."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.components.layout import template
from mypage.components.member import back_home, empty_state, facts, section_heading
from mypage.settings import get_settings
from mypage.state.contract import ContractState

BRAND = get_settings().branding


def service_card(service) -> rx.Component:
    """One service: kind, plan, start date, fee without and with tax."""
    return rx.el.li(
        rx.box(
            rx.hstack(
                rx.badge(service.kind, size="2", variant="soft", high_contrast=True),
                rx.heading(service.plan, as_="h3", size="4"),
                wrap="wrap",
                align="center",
            ),
            facts(
                ("ご利用開始日", service.started_on),
                ("月額（税抜）", service.fee),
                ("月額（税込）", rx.text(service.fee_with_tax, "（税率", service.rate, "）")),
            ),
            style=styles.card,
        ),
        style={"list_style": "none"},
    )


def services() -> rx.Component:
    """The services in force, or a clear sentence when there are none."""
    return rx.vstack(
        section_heading("ご契約中のサービス"),
        rx.cond(
            ContractState.services.length() > 0,
            rx.vstack(
                rx.el.ul(
                    rx.foreach(ContractState.services, service_card),
                    style={"padding": 0, "margin": 0, "display": "grid", "gap": "0.75rem", "width": "100%"},
                ),
                rx.text("月額合計（税抜） ", rx.text.strong(ContractState.monthly_total)),
                width="100%",
            ),
            empty_state(
                f"現在ご契約中のサービスはありません。お申し込みは{BRAND.name}（{BRAND.phone}）までお問合せください。"
            ),
        ),
        width="100%",
    )


@template(route=routes.CONTRACT, title="ご契約内容参照", on_load=ContractState.load, member=True)
def contract_page() -> rx.Component:
    """ご契約内容参照."""
    return rx.vstack(
        rx.box(
            section_heading("ご契約者"),
            facts(
                ("お客様番号", ContractState.customer_number),
                ("お名前", rx.text(ContractState.name, " 様")),
                ("フリガナ", ContractState.kana),
                ("ご住所", rx.text("〒", ContractState.postal_code, " ", ContractState.address)),
                ("電話番号", ContractState.phone),
            ),
            style=styles.card,
        ),
        services(),
        back_home(),
        spacing="4",
        width="100%",
    )
