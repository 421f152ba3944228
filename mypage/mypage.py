"""The Reflex app; pages register themselves when mypage.pages is imported."""

import reflex as rx

import mypage.pages  # noqa: F401  (registers every page)
from mypage.state.ui import FONT_KEY

# Apply the remembered 文字サイズ before the first paint, so a reload does not flash.
_FONT_SCRIPT = (
    f"try{{var f=JSON.parse(localStorage.getItem('{FONT_KEY}'))}}catch(e){{f=localStorage.getItem('{FONT_KEY}')}}"
    "document.documentElement.dataset.font=(f==='large'?'large':'standard');"
)

app = rx.App(
    stylesheets=["/mypage.css"],
    head_components=[rx.script(_FONT_SCRIPT)],
    html_lang="ja",
)
