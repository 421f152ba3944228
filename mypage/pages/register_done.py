"""入力内容の確認 (password and code masked) and 送信完了 (with 確認メールを再送信)."""

import reflex as rx

from mypage import routes, styles
from mypage.components.layout import BRAND, template
from mypage.state.register import RegisterState

MASK = "●●●●●●●●"


def entry(label: str, value: rx.Var | str, note: str = "") -> rx.Component:
    """One line of what was entered."""
    return rx.el.tr(
        rx.el.th(
            label,
            scope="row",
            style={
                "text_align": "left",
                "padding": "0.75rem",
                "width": "40%",
                "background": styles.ACCENT,
                "vertical_align": "top",
            },
        ),
        rx.el.td(
            rx.text(value, style={"word_break": "break-all"}),
            rx.cond(note != "", rx.text(note, size="2", color=styles.MUTED), rx.fragment()),
            style={"padding": "0.75rem"},
        ),
        style={"border_bottom": f"1px solid {styles.BORDER}"},
    )


@template(route=routes.REGISTER_CONFIRM, title="入力内容の確認", on_load=RegisterState.open_confirm)
def confirm_page() -> rx.Component:
    """What was entered; 戻る or 登録する."""
    return rx.vstack(
        rx.text("入力内容をご確認のうえ、「登録する」を押してください。"),
        rx.box(
            rx.el.table(
                rx.el.tbody(
                    entry("ログインID", RegisterState.login_id),
                    entry("パスワード", MASK, "（表示しません）"),
                    entry("メールアドレス1", RegisterState.email),
                    entry("お客様番号", RegisterState.customer_number),
                    entry("認証コード", "●●●● - ●●●● - ●●●●", "（確認済み・表示しません）"),
                ),
                style={"width": "100%", "border_collapse": "collapse"},
            ),
            style={**styles.card, "padding": "0"},
        ),
        rx.text(
            "※ ログインIDとパスワードは、ログインに必要な大変重要な情報です。必ず控えておいてください。", weight="bold"
        ),
        rx.hstack(
            rx.button(
                "戻る", type="button", variant="outline", on_click=RegisterState.back_to_form, style=styles.button
            ),
            rx.button("登録する", type="button", on_click=RegisterState.register, style=styles.primary_button),
            spacing="3",
            justify="center",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def resend_feedback() -> rx.Component:
    """The result of 確認メールを再送信."""
    return rx.box(
        rx.cond(
            RegisterState.resend_message != "",
            rx.text("✔ " + RegisterState.resend_message, style={"color": styles.SUCCESS}),
            rx.fragment(),
        ),
        rx.cond(
            RegisterState.resend_error != "",
            rx.text("⚠ " + RegisterState.resend_error, style=styles.error_text),
            rx.fragment(),
        ),
        role="status",
        width="100%",
    )


@template(route=routes.REGISTER_SENT, title="送信完了", on_load=RegisterState.open_sent)
def sent_page() -> rx.Component:
    """Where the mail went, what to do, and what to do if it does not arrive."""
    return rx.vstack(
        rx.cond(
            RegisterState.mail_failed,
            rx.box(
                rx.text(
                    "⚠ アカウントを仮登録しましたが、確認メールを送信できませんでした。",
                    weight="bold",
                    style={"color": styles.ERROR},
                ),
                rx.text("しばらくしてから「確認メールを再送信」を押してください。"),
                role="alert",
                style={**styles.card, "border": f"3px solid {styles.ERROR}"},
            ),
            rx.box(
                rx.text(RegisterState.sent_to, " 宛てに確認メールを送信しました。", weight="bold", size="4"),
                rx.text(
                    "メールに記載されたURLを24時間以内に開き、「メールアドレスを認証する」ボタンを押してください。"
                    "認証が済むと、ログインIDとパスワードでログインできます。"
                ),
                style={**styles.card, "background": styles.ACCENT},
            ),
        ),
        rx.box(
            rx.heading("メールが届かない場合", as_="h2", size="4"),
            rx.el.ul(
                rx.el.li("迷惑メールフォルダに振り分けられていないかご確認ください。"),
                rx.el.li(
                    f"ドメイン指定などの受信制限をご利用の場合は、@{BRAND.mail_domain} "
                    "からのメールを受信できるよう設定してください。"
                ),
                rx.el.li("メールアドレスに誤りがあった場合は、24時間後にもう一度アカウント作成を行ってください。"),
                rx.el.li(
                    f"ご不明な点は、{BRAND.name}窓口（{BRAND.phone}、受付時間 {BRAND.hours}）までお問合せください。"
                ),
                style={"padding_left": "1.25rem"},
            ),
            rx.button(
                "確認メールを再送信",
                type="button",
                on_click=RegisterState.resend,
                style=styles.button,
                variant="outline",
            ),
            resend_feedback(),
            style=styles.card,
        ),
        rx.link("トップページへ", href=routes.LOGIN, style=styles.link_button),
        # Tells the page script that the typed code is no longer needed in this tab.
        rx.box(custom_attrs={"data-forget-code": ""}, display="none"),
        spacing="4",
        width="100%",
    )
