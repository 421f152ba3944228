"""画面ギャラリー (/dev/gallery, development only): every screen in each of its states.

Each screen is the portal's own page function, registered once more under
/dev/gallery/<screen>, whose on_load (GalleryState.stage) puts the screen's state into the
state named by ?state=…; so a wording or colour changed in a page shows here at once.
The index links every state to open alone, in a window 375 or 1280 px wide, 標準 or 大きく.
"""

import reflex as rx

from mypage import gallery, outbox, styles
from mypage.components.layout import page_title, template
from mypage.pages import (
    account_settings,
    bill_pay,
    bill_settings,
    bills,
    card,
    content,
    contract,
    email_cancel,
    home,
    invoices,
    login,
    notices,
    recovery,
    register,
    register_done,
    security,
    verify,
)
from mypage.state.gallery import STAGERS, GalleryState

# The portal's page functions, as its own routes use them.
PAGES = {
    "login": login.login_page,
    "register": register.register_page,
    "register_confirm": register_done.confirm_page,
    "register_sent": register_done.sent_page,
    "verify": verify.verify_page,
    "forgot_id": recovery.forgot_id_page,
    "forgot_password": recovery.forgot_password_page,
    "reset_password": recovery.reset_password_page,
    "home": home.home_page,
    "contract": contract.contract_page,
    "bills": bills.bills_page,
    "bill_pay_return": bill_pay.bill_pay_return_page,
    "bill_settings": bill_settings.bill_settings_page,
    "invoices": invoices.invoices_page,
    "notices": notices.notices_page,
    "notice_detail": notices.notice_page,
    "card": card.card_page,
    "card_return": card.card_return_page,
    "account": account_settings.account_settings_page,
    "email_confirm": account_settings.email_confirm_page,
    "email_cancel": email_cancel.email_cancel_page,
    "security": security.security_page,
    **content.PAGE_FUNCTIONS,
}
assert set(PAGES) == set(gallery.BY_KEY) == set(STAGERS), "every screen has its page function and stager"


# One click handler for every window link (added once, when the index mounts): 268 links with a handler
# each made 268 components for Reflex to compile at every start.
_OPEN_IN_WINDOW = (
    "if(!window.__mypageGalleryWindows){window.__mypageGalleryWindows=true;"
    "document.addEventListener('click',function(e){var a=e.target.closest&&e.target.closest('a[data-window-width]');"
    "if(!a)return;e.preventDefault();"
    "window.open(a.href,'_blank','popup,width='+a.dataset.windowWidth+',height=900');});}"
)


def window_link(text: str, url: str, width: int, name: str) -> rx.Component:
    """A link that opens the state alone in a window of this width (a new tab where popups are off)."""
    return rx.el.a(
        text,
        href=url,
        target="_blank",
        aria_label=f"{name} {text}",
        class_name="gallery-window-link",
        custom_attrs={"data-window-width": str(width)},
    )


def scene_row(screen: gallery.Screen, state: str, label: str) -> rx.Component:
    """One state: its name, the link to open it here, and the four window links."""
    name = f"{screen.name}（{label}）"
    return rx.el.li(
        rx.link(label, href=gallery.scene_url(screen, state), style={**styles.link, "font_weight": "bold"}),
        rx.flex(
            *[
                window_link(f"{width}px・{font_label}", gallery.scene_url(screen, state, font), width, name)
                for width in gallery.WIDTHS
                for font, font_label in gallery.FONTS
            ],
            wrap="wrap",
            gap="0.25rem 1rem",
        ),
        style={"padding": "0.5rem 0", "border_bottom": f"1px solid {styles.BORDER}"},
    )


def screen_section(screen: gallery.Screen) -> rx.Component:
    """A screen with all its states."""
    return rx.el.section(
        rx.heading(screen.name, as_="h2", size="4"),
        rx.text(f"ポータルでのURL: {screen.route}", size="2", color=styles.MUTED),
        rx.el.ul(
            *[scene_row(screen, state, label) for state, label in screen.states],
            style={"list_style": "none", "padding": "0", "margin": "0"},
        ),
        style=styles.card,
    )


def gallery_page() -> rx.Component:
    """The index of every screen and state."""
    return rx.vstack(
        rx.fragment(on_mount=rx.call_script(_OPEN_IN_WINDOW)),
        rx.text(
            "ポータルの各画面を、状態（空欄・入力済み・入力エラー・ロック中・期限切れ・完了など）ごとに、"
            "デモデータで表示します。画面はポータルと同じ部品から作られるため、文言や色の変更がすぐに反映されます。"
            "「375px」「1280px」はその幅の別ウィンドウで、「標準」「大きく」はその文字サイズで開きます。"
        ),
        *[screen_section(screen) for screen in gallery.SCREENS],
        spacing="4",
        width="100%",
    )


# Only in development: in test and production these routes do not exist (404).
if outbox.dev_tools_enabled():
    from mypage import routes

    template(route=routes.DEV_GALLERY, title="画面ギャラリー")(gallery_page)
    for _screen in gallery.SCREENS:
        rx.page(
            route=_screen.path,
            title=page_title(f"画面ギャラリー: {_screen.name}"),
            on_load=GalleryState.stage,
        )(PAGES[_screen.key])
