"""The login screen's "✔ アカウントを認証しました。", after メールアドレスを認証する."""

import reflex as rx

from mypage import styles
from mypage.state.verify import VERIFIED_QUERY


def verified_banner() -> rx.Component:
    """Shown when the login screen is opened as /?verified=1."""
    verified = rx.State.router.url.query_parameters[VERIFIED_QUERY].to(str) == "1"
    return rx.cond(
        verified,
        rx.box(
            rx.text("✔ アカウントを認証しました。", weight="bold", size="4", style={"color": styles.SUCCESS}),
            rx.text("登録時に入力した「ログインID」と「パスワード」でログインしてください。"),
            role="status",
            style={**styles.card, "border": f"2px solid {styles.SUCCESS}"},
        ),
        rx.fragment(),
    )
