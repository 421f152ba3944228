"""メール確認 (/dev/mail, development only): the mails the portal wrote to the outbox, links clickable."""

import reflex as rx

from mypage import outbox, routes, styles
from mypage.components.layout import template
from mypage.state.dev_mail import DevMailState, MailView, PieceView


def piece(item: PieceView) -> rx.Component:
    """A run of the text, or a link that opens in this tab as the subscriber's mail program would."""
    return rx.cond(
        item.href != "",
        rx.link(item.text, href=item.href, style={**styles.link, "word_break": "break-all"}),
        rx.text.span(item.text),
    )


def mail_card(mail: MailView) -> rx.Component:
    """One mail: subject, recipient, time, then its text."""
    return rx.el.article(
        rx.heading(mail.subject, as_="h2", size="4"),
        rx.el.dl(
            rx.el.dt("宛先", style={"font_weight": "bold"}),
            rx.el.dd(mail.recipient, style={"margin": "0", "word_break": "break-all"}),
            rx.el.dt("送信日時", style={"font_weight": "bold"}),
            rx.el.dd(rx.el.time(mail.sent_at, date_time=mail.sent_at_iso), style={"margin": "0"}),
            style={"display": "grid", "grid_template_columns": "auto 1fr", "gap": "0.25rem 1rem"},
        ),
        rx.box(
            rx.foreach(mail.pieces, piece),
            style={
                "white_space": "pre-wrap",
                "overflow_wrap": "anywhere",
                "border_top": f"1px solid {styles.BORDER}",
                "padding_top": "0.75rem",
                "font_family": "inherit",
            },
        ),
        aria_label=mail.subject,
        style={**styles.card, "display": "flex", "flex_direction": "column", "gap": "0.75rem"},
    )


def dev_mail_page() -> rx.Component:
    """The outbox, newest first, with 再読み込み."""
    return rx.vstack(
        rx.text(
            "開発環境でポータルが送信したメール（送信先のメールサーバーがないため保存したもの）を新しい順に表示します。"
            "本文のリンクは、お客様がメールから開くのと同じように開けます。"
        ),
        rx.button("再読み込み", type="button", on_click=DevMailState.load, variant="outline", style=styles.button),
        rx.cond(
            DevMailState.mails.length() > 0,
            rx.vstack(rx.foreach(DevMailState.mails, mail_card), spacing="4", width="100%"),
            rx.cond(
                DevMailState.loaded,
                rx.text("送信したメールはありません。", role="status"),
                rx.fragment(),
            ),
        ),
        spacing="4",
        width="100%",
    )


# Only in development: in test and production the route does not exist (404).
if outbox.dev_tools_enabled():
    template(route=routes.DEV_MAIL, title="メール確認", on_load=DevMailState.load)(dev_mail_page)
