"""Japanese text in the portal's PDFs (invoices, letters): an embedded TrueType font and 禁則 line breaking.

The font is embedded (subset) in every PDF, so a document reads the same in every
viewer and years later: BIZ UDGothic (Debian's fonts-morisawa-bizud-gothic, SIL OFL),
a universal-design face whose half-width Latin is fixed-width (the 認証コード and the
文字見本 use its bold), or else IPAexGothic (fonts-ipaexfont-gothic). A CID font such
as HeiseiKakuGo-W5 is never embedded; OpenType/CFF faces (Noto Sans CJK) do not load
in reportlab. `register()` fails with FontMissing, naming the package, when neither is
installed; the portal checks it at start-up.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.lib.textsplit import ALL_CANNOT_END, wordSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "MyPageGothic"
BOLD = "MyPageGothic-Bold"
# (regular, bold or None): the first that is installed is used.
FONT_FILES = (
    (
        Path("/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf"),
        Path("/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Bold.ttf"),
    ),
    (Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"), None),
    (Path("/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"), None),
)
PACKAGES = "fonts-morisawa-bizud-gothic (or fonts-ipaexfont-gothic)"


class FontMissing(RuntimeError):
    """No Japanese TrueType font for the PDFs is installed."""


def font_files() -> tuple[Path, Path | None]:
    """The regular and bold files of the first installed face.

    Raises:
        FontMissing: None is installed.
    """
    for regular, bold in FONT_FILES:
        if regular.is_file():
            return regular, bold if bold is not None and bold.is_file() else None
    raise FontMissing(
        f"no Japanese TrueType font for the PDFs: install the Debian package {PACKAGES}, "
        f"e.g. `sudo apt-get install fonts-morisawa-bizud-gothic` (`make system-packages` does)"
    )


@functools.cache
def register() -> Path:
    """Register FONT and BOLD with reportlab (once); the file used.

    Raises:
        FontMissing: No face is installed.
    """
    regular, bold = font_files()
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold or regular)))
    return regular


def wrap(text: str, size: float, width: float, font: str = FONT) -> list[str]:
    """Split text into lines that fit, with Japanese line breaking (禁則処理).

    reportlab's CJK word split breaks between characters, falls back to spaces inside
    Latin words, and lets a character that may not start a line (、。」）ー…) hang into the
    margin; an opening bracket (「（) that would end a line moves to the next one. Line
    breaks in the text are kept.

    Args:
        text: The text.
        size: The font size.
        width: The width available, in points.
        font: The font's registered name.

    Returns:
        The lines; [""] for an empty text.
    """
    return list(_wrapped(text, size, width, font))


@functools.lru_cache(maxsize=4096)
def _wrapped(text: str, size: float, width: float, font: str) -> tuple[str, ...]:
    # Cached: a batch of letters wraps the same sentences on every page.
    register()
    lines: list[str] = []
    for paragraph in text.split("\n"):
        rest = paragraph
        while True:
            parts = wordSplit(rest, width, font, size) if rest else [[0, ""]]
            first = parts[0][1]
            if len(parts) == 1:
                lines.append(first)
                break
            # An opening bracket must not end a line: it starts the next one instead.
            kept = first.rstrip(ALL_CANNOT_END) or first
            lines.append(kept.rstrip())
            rest = rest[rest.index(first) + len(kept) :].lstrip()
    return tuple(lines)
