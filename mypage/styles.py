"""Style tokens: one place for colours, spacing and widths. Sizes are relative so 大きく scales them."""

from mypage.settings import get_settings

BRAND = get_settings().branding
PRIMARY = BRAND.primary_color
PRIMARY_HOVER = "#094a8a"
ACCENT = BRAND.accent_color
TEXT = "#1c2024"
MUTED = "#4a4f55"  # 7:1 on white, for elderly readers
ERROR = "#b42318"
SUCCESS = "#0a6b3b"
BORDER = "#c9ced6"

CONTENT_WIDTH = "48rem"
TOUCH_TARGET = "2.75rem"  # 44 px at 標準

page_box = {"width": "100%", "max_width": CONTENT_WIDTH, "margin_x": "auto", "padding_x": "1rem"}
card = {
    "border": f"1px solid {BORDER}",
    "border_radius": "0.5rem",
    "padding": "1.25rem",
    "background": "white",
    "width": "100%",
}
button = {"min_height": TOUCH_TARGET, "padding_x": "1.25rem", "font_size": "var(--font-size-3)"}
primary_button = {**button, "background": PRIMARY, "color": "white"}
link = {"color": PRIMARY, "text_decoration": "underline"}
error_text = {"color": ERROR, "font_size": "var(--font-size-2)"}
link_button = {
    **button,
    "display": "inline-flex",
    "align_items": "center",
    "border": f"2px solid {PRIMARY}",
    "border_radius": "0.375rem",
    "color": PRIMARY,
    "font_weight": "bold",
    "text_decoration": "none",
    "background": "white",
}
