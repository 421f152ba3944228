"""Browser-side preferences that every page shares."""

import reflex as rx

FONT_KEY = "mypage-font"
STANDARD, LARGE = "standard", "large"


class UiState(rx.State):
    """The 文字サイズ choice, kept in the browser's localStorage."""

    font: str = rx.LocalStorage(STANDARD, name=FONT_KEY, sync=True)

    @rx.event
    def set_font(self, font: str):
        """Choose 標準 or 大きく and apply it to the whole page at once."""
        if font not in (STANDARD, LARGE):
            return None
        self.font = font
        return rx.call_script(f"document.documentElement.dataset.font = {font!r}")
