"""トップ / マイページログイン, laid out as in the operator's guide."""

import reflex as rx

from mypage import routes, styles
from mypage.components.forms import field
from mypage.components.layout import BRAND, heading, template
from mypage.components.verified import verified_banner


def caution() -> rx.Component:
    """The guide's <ご注意> text."""
    return rx.box(
        rx.text("<ご注意>", weight="bold"),
        rx.text(
            "マイページをご利用いただく際には、マイページアカウント（ログインID・パスワード）の作成が必要です。"
        ),
        rx.text("作成していない方は、「新規アカウント作成」より、マイページアカウントの作成を行って下さい。"),
        style={**styles.card, "background": styles.ACCENT},
    )


def login_form() -> rx.Component:
    """ログインID, パスワード, クリア, ログイン and the recovery links."""
    return rx.form(
        rx.vstack(
            rx.heading("マイページアカウント", as_="h2", size="4"),
            field("ログインID", "login_id", autocomplete="username"),
            field("パスワード", "password", type_="password", autocomplete="current-password"),
            rx.text("ログインIDを忘れた場合", rx.link("こちら", href=routes.FORGOT_ID, style=styles.link), "。"),
            rx.link("パスワードを忘れた場合", href=routes.FORGOT_PASSWORD, style=styles.link),
            rx.hstack(
                rx.button("クリア", type="reset", variant="outline", style=styles.button),
                rx.button("ログイン", type="submit", style=styles.primary_button),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@template(route=routes.LOGIN, title="マイページログイン")
def login_page() -> rx.Component:
    """The top page: what MyPage is for, the login form, and 新規アカウント作成."""
    return rx.vstack(
        verified_banner(),
        rx.text(f"{BRAND.portal_name}", weight="bold", size="5"),
        rx.text("マイページでは、ご契約内容、ご請求明細の確認ができます。"),
        heading("マイページログイン"),
        caution(),
        rx.box(login_form(), style=styles.card),
        rx.link("新規アカウント作成", href=routes.REGISTER, style=styles.link_button),
        spacing="4",
        width="100%",
    )
