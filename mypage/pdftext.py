"""Japanese text in the portal's PDFs (invoices, letters): an embedded TrueType font and 禁則 line breaking.

The font is embedded (subset) in every PDF, so a document reads the same in every
viewer and years later: BIZ UDGothic (Debian's fonts-morisawa-bizud-gothic, SIL OFL),
a universal-design face whose half-width Latin is fixed-width (the 認証コード and the
文字見本 use its bold), or else IPAexGothic (fonts-ipaexfont-gothic). A CID font such
as HeiseiKakuGo-W5 is never embedded; OpenType/CFF faces (Noto Sans CJK) do not load
in reportlab. `register()` fails with FontMissing, naming the package, when neither is
installed; the portal checks it at start-up.

A character the face does not have is never drawn as an empty box: `printable()` gives its
usual substitute (異体字) or 〓 (下駄記号, the printers' mark for a character that cannot be
set). BIZ UDGothic 1.05 has the JIS X 0213 characters, non-BMP ones too (𩸽 𡈽), but not
𠮷 (U+20BB7, outside JIS X 0213): a name such as 𠮷田 prints as 吉田, as the billing
systems' own print-outs usually do.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.lib.textsplit import ALL_CANNOT_END, wordSplit
from reportlab.pdfbase import pdfmetrics, ttfonts
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


_reportlab_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """The ToUnicode CMap of reportlab, with characters beyond U+FFFF written as UTF-16 surrogate pairs.

    reportlab 5.1 writes such a code point as five hex digits (<29E3D>), which viewers read as
    U+29E3 (⧣): 𩸽 would print right but copy, search and pdftotext as ⧣. The PDF standard wants
    UTF-16BE there (<D867DE3D>).
    """
    cmap = _reportlab_to_unicode(fontname, subset)
    for code in subset:
        if code > 0xFFFF:
            cmap = cmap.replace(f"<{code:04X}>", f"<{chr(code).encode('utf-16-be').hex().upper()}>")
    return cmap


@functools.cache
def register() -> Path:
    """Register FONT and BOLD with reportlab (once); the file used.

    Raises:
        FontMissing: No face is installed.
    """
    regular, bold = font_files()
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold or regular)))
    return regular


# What the PDFs print for a character the face lacks (the usual 異体字), else MISSING_MARK.
SUBSTITUTES = {"\U00020bb7": "吉"}  # 𠮷 (つちよし) → 吉
MISSING_MARK = "〓"


def missing(text: str, font: str = FONT) -> set[str]:
    """The characters of a text that the registered face has no glyph for (line breaks aside)."""
    register()
    glyphs = pdfmetrics.getFont(font).face.charToGlyph
    return {char for char in set(text) if ord(char) not in glyphs and char not in "\r\n\t"}


@functools.lru_cache(maxsize=4096)
def printable(text: str, font: str = FONT) -> str:
    """The text with each character the face lacks replaced by its substitute, or by 〓."""
    if text.isascii():
        return text
    lacking = missing(text, font)
    if not lacking:
        return text
    return "".join(SUBSTITUTES.get(char, MISSING_MARK) if char in lacking else char for char in text)


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
    for paragraph in printable(text, font).split("\n"):
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
