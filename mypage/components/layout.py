"""The shell every page shares: header, footer, page title and the page decorator."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from mypage import routes, styles
from mypage.components.timer import interval
from mypage.settings import get_settings
from mypage.state.auth import AuthState
from mypage.state.ui import LARGE, STANDARD, UiState, font_script

BRAND = get_settings().branding
CONTENT_LINKS = (
    ("よくある質問と回答", routes.FAQ),
    ("注意事項・ご利用規約", routes.TERMS),
    ("重要事項説明書", routes.IMPORTANT),
)


def font_button(label: str, value: str) -> rx.Component:
    """One of the two 文字サイズ buttons; aria-pressed tells which is on."""
    pressed = UiState.font == value
    return rx.button(
        label,
        on_click=[font_script(value), UiState.set_font(value)],
        aria_pressed=rx.cond(pressed, "true", "false"),
        variant=rx.cond(pressed, "solid", "outline"),
        style={"min_height": styles.TOUCH_TARGET, "min_width": "4rem"},
    )


def font_toggle() -> rx.Component:
    """文字サイズ 標準 / 大きく."""
    return rx.hstack(
        rx.text("文字サイズ", id="font-size-label", size="2"),
        rx.hstack(
            font_button("標準", STANDARD),
            font_button("大きく", LARGE),
            role="group",
            aria_labelledby="font-size-label",
            spacing="1",
        ),
        align="center",
        spacing="2",
    )


def header(member_nav: rx.Component | None = None) -> rx.Component:
    """Operator logo and name, the font toggle, and TOP / ログアウト for members."""
    return rx.el.header(
        rx.flex(
            rx.link(
                rx.image(src=BRAND.logo, alt=BRAND.portal_name, height="2.5rem", width="auto"),
                href=routes.LOGIN,
                aria_label=f"{BRAND.portal_name} トップページ",
            ),
            rx.text(BRAND.name, weight="bold", size="3"),
            rx.spacer(),
            font_toggle(),
            member_nav or rx.fragment(),
            wrap="wrap",
            align="center",
            gap="0.75rem",
            style=styles.page_box,
            padding_y="0.75rem",
        ),
        style={"border_bottom": f"3px solid {styles.PRIMARY}", "background": "white"},
    )


def footer() -> rx.Component:
    """Phone contact and the three content pages."""
    return rx.el.footer(
        rx.vstack(
            rx.el.nav(
                rx.flex(
                    rx.link("トップページ", href=routes.LOGIN, style=styles.link),
                    *[rx.link(text, href=href, style=styles.link) for text, href in CONTENT_LINKS],
                    wrap="wrap",
                    gap="1rem",
                ),
                aria_label="フッター",
            ),
            rx.text("お電話でのお問合せ", weight="bold"),
            rx.link(
                BRAND.phone,
                href=f"tel:{BRAND.phone.replace('-', '')}",
                size="6",
                weight="bold",
                style={"color": styles.TEXT},
            ),
            rx.text(f"受付時間 {BRAND.hours}"),
            rx.text(f"© {BRAND.name}", size="1", color=styles.MUTED),
            spacing="2",
            style=styles.page_box,
            padding_y="1.5rem",
        ),
        style={"background": styles.ACCENT, "margin_top": "2rem"},
    )


def member_nav() -> rx.Component:
    """TOP and ログアウト, in the header of every member page."""
    return rx.el.nav(
        rx.hstack(
            rx.link("TOP", href=routes.HOME, style=styles.link_button),
            rx.button("ログアウト", on_click=AuthState.logout, variant="outline", style=styles.button),
            spacing="2",
            align="center",
        ),
        aria_label="会員メニュー",
    )


# The server checks the session this often; a tab brought back to the front checks at once.
IDLE_CHECK_MS = 60_000


def idle_warning() -> rx.Component:
    """The warning shown a few minutes before the idle timeout, with a button to stay."""
    return rx.fragment(
        interval(on_tick=AuthState.tick, interval_ms=IDLE_CHECK_MS),
        rx.cond(
            AuthState.idle_warning,
            rx.box(
                rx.text(
                    "しばらく操作がないため、あと約",
                    AuthState.idle_minutes_left.to_string(),
                    "分で自動的にログアウトします。",
                    weight="bold",
                ),
                rx.button("ログインを続ける", on_click=AuthState.stay_logged_in, style=styles.primary_button),
                role="alert",
                style={**styles.card, "border": f"2px solid {styles.ERROR}"},
                display="flex",
                flex_direction="column",
                gap="0.75rem",
            ),
            rx.fragment(),
        ),
    )


def shell(content: rx.Component, member_nav: rx.Component | None = None) -> rx.Component:
    """Header, the page's own content in <main>, footer."""
    return rx.flex(
        header(member_nav),
        rx.el.main(
            rx.vstack(
                idle_warning() if member_nav is not None else rx.fragment(),
                content,
                spacing="4",
                width="100%",
                padding_y="1.5rem",
            ),
            style=styles.page_box,
            flex="1",
            id="main",
        ),
        footer(),
        # Set once the websocket has answered the page's hydrate event: tests wait for it.
        rx.el.div(id="mypage-ready", hidden=True, data_hydrated=rx.cond(rx.State.is_hydrated, "true", "false")),
        direction="column",
        min_height="100vh",
        background="#f7f9fc",
    )


# The routes of every page registered with member=True, in registration order.
MEMBER_ROUTES: list[str] = []


def page_title(title: str) -> str:
    """The document title: the screen's name, then the portal's."""
    return f"{title} | {BRAND.portal_name}"


def template(
    route: str,
    title: str,
    on_load: rx.event.EventType | None = None,
    member: bool = False,
    h1: bool = True,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a page with the shared layout and a Japanese title.

    Args:
        route: The page's path, from mypage.routes.
        title: The screen's Japanese name.
        on_load: Events to run when the page opens, after the session check of member pages.
        member: A page for logged-in subscribers: AuthState.check_login runs first on load
            (no session → the login page, and back after login), and the header shows
            TOP / ログアウト and the idle-timeout warning. See mypage/state/auth.py.
            Its route is listed in MEMBER_ROUTES (the browser tests visit each without a login).
        h1: The page's h1 is its title, above the content; False where the content has its own
            (a notice's title), which then must hold exactly one h1.

    Returns:
        A decorator for a function that returns the page's content.
    """
    if member:
        extra = [] if on_load is None else list(on_load) if isinstance(on_load, (list, tuple)) else [on_load]
        on_load = [AuthState.check_login, *extra]
        MEMBER_ROUTES.append(route)

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            body = rx.vstack(heading(title), content(), spacing="4", width="100%") if h1 else content()
            return shell(body, member_nav() if member else None)

        page.__name__ = content.__name__
        # Reflex writes a page's compiled components to a module named after page.__module__: the
        # page's own, so that each page loads only its code (not the chart and tables of all pages).
        page.__module__ = content.__module__
        rx.page(route=route, title=page_title(title), on_load=on_load)(page)
        return page

    return decorator


def heading(text: str) -> rx.Component:
    """The screen's one h1."""
    return rx.heading(text, as_="h1", size="6", style={"color": styles.TEXT})
