"""Reading a CSV file from the billing system: its encoding, its header, its records.

Errors are collected, not raised one by one: ImportFailed carries every
`line N, field: message` found, so the operator can fix the file in one go.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence

from mypage.security import nfkc

UTF8, CP932 = "utf-8", "cp932"
# What --encoding accepts, and the codec each name means. Shift_JIS files from
# Windows contain CP932's extra characters (①, ㈱, ～), so Shift_JIS is read as CP932.
ENCODINGS = {
    "utf-8": UTF8,
    "utf8": UTF8,
    "utf-8-sig": UTF8,
    "shift_jis": CP932,
    "shift-jis": CP932,
    "sjis": CP932,
    "cp932": CP932,
    "ms932": CP932,
    "windows-31j": CP932,
}
BOM = b"\xef\xbb\xbf"


@dataclasses.dataclass(frozen=True)
class RowError:
    """One wrong value: where it is and what is wrong with it."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class ImportFailed(ValueError):
    """The file has errors; nothing was imported.

    Attributes:
        errors: Every error found, in file order.
    """

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = sorted(errors, key=lambda error: error.line)  # stable: a row's own order stays
        super().__init__("\n".join(str(error) for error in self.errors))


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The file's text, and the codec that read it.

    Args:
        data: The file's bytes.
        encoding: One of ENCODINGS' names; None to detect (a BOM or valid UTF-8 means UTF-8,
            anything else is tried as CP932).

    Returns:
        The text (without a BOM) and "utf-8" or "cp932".

    Raises:
        ImportFailed: The bytes are not text in that encoding; names the line of the first byte that cannot be read.
    """
    if encoding is not None:
        codec = ENCODINGS[encoding.lower()]
        candidates = [codec]
    elif data.startswith(BOM):
        candidates = [UTF8]
    else:
        candidates = [UTF8, CP932]
    furthest = 0
    for codec in candidates:
        try:
            text = data.decode("utf-8-sig" if codec == UTF8 else codec)
        except UnicodeDecodeError as error:
            # The encoding that reads furthest is most likely the file's: point at its first bad byte.
            furthest = max(furthest, error.start)
            continue
        return text, codec
    line = data[:furthest].count(b"\n") + 1
    tried = " or ".join("UTF-8" if c == UTF8 else "Shift_JIS (CP932)" for c in candidates)
    hint = "" if encoding else "; give --encoding if it is another one"
    raise ImportFailed([RowError(line, "encoding", f"the file cannot be read as {tried}{hint}")])


def records(text: str, columns: Sequence[str], required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """The records of a CSV text as dicts keyed by column, each with the line it starts on.

    Args:
        text: The decoded file.
        columns: The column names the file may have.
        required: Those it must have.

    Returns:
        (line number, {column: NFKC-normalised value}) per record, blank ones skipped.

    Raises:
        ImportFailed: The header is wrong, a record has the wrong number of values,
            or the CSV cannot be parsed; every such error.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[RowError] = []
    header: list[str] | None = None
    previous_end = 0
    found = []
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [nfkc(cell).lower() for cell in record]
                errors.extend(_header_errors(start, header, columns, required))
                if errors:
                    raise ImportFailed(errors)
                continue
            if len(record) != len(header):
                errors.append(RowError(start, "row", f"has {len(record)} values; the header has {len(header)}"))
                continue
            found.append((start, {name: nfkc(cell) for name, cell in zip(header, record, strict=True)}))
    except csv.Error as error:
        errors.append(RowError(reader.line_num, "row", f"is not valid CSV ({error})"))
    if header is None:
        errors.append(
            RowError(1, "header", f"the file is empty; the first row must name the columns: {', '.join(required)}")
        )
    if errors:
        raise ImportFailed(errors)
    return found


def _header_errors(line: int, header: list[str], columns: Sequence[str], required: Sequence[str]) -> list[RowError]:
    errors = []
    unknown = [name for name in dict.fromkeys(header) if name not in columns]
    if unknown:
        listed = ", ".join(repr(name) for name in unknown)
        errors.append(RowError(line, "header", f"unknown column {listed}; the columns are {', '.join(columns)}"))
    for name in dict.fromkeys(header):
        if name in columns and header.count(name) > 1:
            errors.append(RowError(line, "header", f"column {name!r} appears {header.count(name)} times"))
    missing = [name for name in required if name not in header]
    if missing:
        errors.append(RowError(line, "header", f"missing column {', '.join(missing)}"))
    return errors
