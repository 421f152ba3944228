"""Web明細・お知らせ設定: stop paper statements, and the mail when a new bill is ready."""

from __future__ import annotations

import reflex as rx

from mypage import routes, styles
from mypage.components.layout import BRAND, template
from mypage.components.member import back_home, section_heading
from mypage.state.bill_settings import BillSettingsState

TITLE = "Web明細・お知らせ設定"


def choice(label: str, checked: rx.Var, on_change) -> rx.Component:
    """A large checkbox with its label."""
    return rx.text(
        rx.flex(
            # Radix's checkbox is a button, which axe does not count as labelled by the wrapping label.
            rx.checkbox(
                checked=checked, on_change=on_change, size="3", disabled=~BillSettingsState.loaded, aria_label=label
            ),
            label,
            gap="0.75rem",
            align="center",
        ),
        as_="label",
        style={"min_height": styles.TOUCH_TARGET, "display": "flex", "align_items": "center", "cursor": "pointer"},
    )


@template(route=routes.BILL_SETTINGS, title=TITLE, on_load=BillSettingsState.load, member=True)
def bill_settings_page() -> rx.Component:
    """Web明細・お知らせ設定."""
    return rx.vstack(
        rx.cond(
            BillSettingsState.message != "",
            rx.box(
                rx.text("✔ " + BillSettingsState.message, weight="bold"),
                role="status",
                style={**styles.card, "border": f"2px solid {styles.SUCCESS}", "width": "100%"},
            ),
        ),
        rx.box(
            section_heading("Web明細（紙の請求書の停止）"),
            rx.text(BRAND.paper_fee_note),
            choice(
                "Web明細にする（紙の請求書を郵送しない）", BillSettingsState.paperless, BillSettingsState.set_paperless
            ),
            rx.cond(
                BillSettingsState.paperless,
                rx.text(BillSettingsState.paperless_since, "からWeb明細をご利用中です。", color=styles.MUTED),
            ),
            style={**styles.card, "width": "100%"},
        ),
        rx.box(
            section_heading("ご請求額確定のお知らせ"),
            rx.text("毎月のご請求額が確定したときに、ご登録のメールアドレスへお知らせします（金額とお支払期限のみ）。"),
            choice(
                "ご請求額確定のお知らせをメールで受け取る", BillSettingsState.bill_mail, BillSettingsState.set_bill_mail
            ),
            style={**styles.card, "width": "100%"},
        ),
        rx.link("ご請求明細へ", href=routes.BILLS, style=styles.link),
        back_home(),
        spacing="4",
        width="100%",
    )
