"""Radix Themes with only the stylesheets the portal uses.

Radix's styles.css carries the tokens of all 30 colour scales. Its documented parts (base tokens,
one file per colour, components, utilities) let the portal send only the scales it shows: the accent
(blue), its gray (slate) and the badges' colours. The stylesheet blocks the first paint, so every
page loads faster by what is left out.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from reflex_components_radix.plugin import RadixThemesPlugin

COLOURS = ("gray", "slate", "blue", "green", "orange", "red")  # accent, its gray, the badges (status_badge…)
STYLESHEETS = (
    "@radix-ui/themes/tokens/base.css",
    *(f"@radix-ui/themes/tokens/colors/{colour}.css" for colour in COLOURS),
    "@radix-ui/themes/components.css",
    "@radix-ui/themes/utilities.css",
)


@dataclasses.dataclass
class RadixThemesParts(RadixThemesPlugin):
    """RadixThemesPlugin whose stylesheet is Radix's parts for the colours above, not the whole bundle."""

    def get_stylesheet_paths(self, **context: Any) -> tuple[str, ...]:
        """The Radix stylesheets to import, when Radix Themes is in use."""
        return STYLESHEETS if self.enabled else ()
