"""The Reflex app; pages register themselves when mypage.pages is imported."""

import reflex as rx

import mypage.pages  # noqa: F401  (registers every page)
from mypage import heap, styles
from mypage.state import logcontext
from mypage.state.auth import SessionGuard
from mypage.state.sockets import failover_tokens
from mypage.state.ui import FONT_KEY
from mypage.web.http import api_transformers

# Apply the remembered 文字サイズ before the first paint, so a reload does not flash.
_FONT_SCRIPT = (
    f"try{{var f=JSON.parse(localStorage.getItem('{FONT_KEY}'))}}catch(e){{f=localStorage.getItem('{FONT_KEY}')}}"
    "document.documentElement.dataset.font=(f==='large'?'large':'standard');"
)

app = rx.App(
    stylesheets=["/mypage.css"],
    head_components=[
        rx.script(_FONT_SCRIPT),
        # The operator's colour as Radix's accent; solid buttons then keep white text readable.
        rx.el.style(
            ":root:root .radix-themes, :root:root .radix-themes [data-accent-color]{"
            f"--accent-9:{styles.PRIMARY};--accent-10:{styles.PRIMARY_HOVER};"
            f"--accent-11:{styles.PRIMARY};--accent-a11:{styles.PRIMARY};"
            f"--accent-12:{styles.PRIMARY_HOVER};--accent-contrast:#ffffff}}"
        ),
    ],
    html_lang="ja",
    api_transformer=api_transformers(),
)
# Every event's log lines carry its id and the tab's session (mypage.logs).
app.add_middleware(logcontext.EventLogContext(), index=0)
# Once started, full garbage collections skip the compiled app's objects (mypage/heap.py).
app.register_lifespan_task(heap.freeze)
# Before hydration: a tab whose subscriber changed forgets the previous one's data.
app.add_middleware(SessionGuard(), index=0)
app.register_lifespan_task(failover_tokens)
