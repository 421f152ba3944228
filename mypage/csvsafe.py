"""CSV that a spreadsheet opens as data, never as formulas (OWASP "CSV injection").

Text that starts with = + - @ (or their full-width forms, which some spreadsheets and
input methods treat alike), a tab or a carriage return is written with a leading
apostrophe, so Excel and LibreOffice show it as text instead of running
`=HYPERLINK(…)` or `@SUM(…)`. Numbers are written as they are, so totals stay numbers
(a discount of -500 is a number, not text).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def cell(value: object) -> object:
    """A value as it may go into a CSV cell: numbers unchanged, risky text defused."""
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def rows_to_csv(rows: Iterable[Iterable[object]], *, excel: bool = True) -> bytes:
    """Rows as CSV bytes, every cell through `cell`.

    Args:
        rows: The rows; text and numbers.
        excel: UTF-8 with a BOM and CRLF line ends, so Excel reads Japanese correctly.

    Returns:
        The file's bytes.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig" if excel else "utf-8")
