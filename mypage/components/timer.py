"""A component that fires an event every so often while the page is open."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.event import EventHandler, no_args_event_spec
from reflex_base.vars.base import Var


class Interval(rx.Fragment):
    """Calls `on_tick` every `interval_ms`, and when the tab becomes visible again."""

    on_tick: EventHandler[no_args_event_spec] = field(doc="Fired on each tick.")
    interval_ms: int = field(default=60_000, is_javascript_property=False)

    def _exclude_props(self) -> list[str]:
        return [*super()._exclude_props(), "on_tick", "interval_ms"]

    def add_imports(self) -> dict[str, Any]:
        """UseEffect for the timer."""
        return {"react": "useEffect"}

    def add_hooks(self) -> list[str | Var[Any]]:
        """Start the timer on mount; a tab coming back from the background checks at once."""
        trigger = self.event_triggers.get("on_tick")
        if trigger is None:
            return []
        return [
            Var(f"""
useEffect(() => {{
    if (typeof window === 'undefined') return;
    const fn = {Var.create(trigger)};
    const id = setInterval(fn, {int(self.interval_ms)});
    const onVisible = () => {{ if (!document.hidden) fn(); }};
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {{
        clearInterval(id);
        document.removeEventListener('visibilitychange', onVisible);
        window.removeEventListener('focus', onVisible);
    }};
}}, []);
""")
        ]


interval = Interval.create
