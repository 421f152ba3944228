"""Japanese text in the portal's PDFs (invoices, letters): the CID font and line wrapping."""

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

# A CID font: every PDF viewer has its glyphs, so nothing is embedded and output stays small.
FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap(text: str, size: float, width: float, font: str = FONT) -> list[str]:
    """Split text into lines that fit; by character, since Japanese has no spaces."""
    lines, current = [], ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, font, size) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current] if current or not lines else lines
