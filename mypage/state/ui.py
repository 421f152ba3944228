"""Browser-side preferences that every page shares."""

import reflex as rx

FONT_KEY = "mypage-font"
STANDARD, LARGE = "standard", "large"


class UiState(rx.State):
    """The 文字サイズ choice, kept in the browser's localStorage."""

    font: str = rx.LocalStorage(STANDARD, name=FONT_KEY, sync=True)

    @rx.event
    def set_font(self, font: str):
        """Remember 標準 or 大きく; the button applies it to the page itself (font_script), no round trip."""
        if font in (STANDARD, LARGE):
            self.font = font


def font_script(font: str) -> rx.event.EventSpec:
    """Apply a font size to the whole page in the browser, before the server has answered."""
    return rx.call_script(f"document.documentElement.dataset.font = {font!r}")
