"""Reading a CSV file from the billing system: its encoding, its header, its records.

Errors are collected, not raised one by one: ImportFailed carries every
`line N, field: message` found, so the operator can fix the file in one go.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import io
import os
import re
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from mypage.security import nfkc

UTF8, CP932, EUC_JP, ISO2022_JP = "utf-8", "cp932", "euc_jp", "iso2022_jp"
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
    "euc-jp": EUC_JP,
    "euc_jp": EUC_JP,
    "eucjp": EUC_JP,
    "iso-2022-jp": ISO2022_JP,
    "iso2022_jp": ISO2022_JP,
    "jis": ISO2022_JP,
}
NAMES = {UTF8: "UTF-8", CP932: "Shift_JIS (CP932)", EUC_JP: "EUC-JP", ISO2022_JP: "ISO-2022-JP"}
_ISO2022_CODECS = ("iso2022_jp_ext", "iso2022_jp_2004")
_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(Q", b"\x1b$(O", b"\x1b$(P")

# Japanese column names, the same for every import; each means the English name beside it.
JAPANESE_COLUMNS = {
    "お客様番号": "customer_number",
    "顧客番号": "customer_number",
    "氏名": "name",
    "お名前": "name",
    "フリガナ": "kana",
    "メールアドレス": "email",
    "郵便番号": "postal_code",
    "住所": "address",
    "電話番号": "phone",
    "請求月": "period",
    "請求書番号": "invoice_number",
    "発行日": "issued_on",
    "支払期限": "due_on",
    "お支払期限": "due_on",
    "支払方法": "payment_method",
    "お支払方法": "payment_method",
    "状態": "status",
    "入金日": "paid_on",
    "品目": "description",
    "数量": "quantity",
    "単価": "unit_price",
    "金額": "amount",
    "税率": "tax_rate",
    "種別": "kind",
    "サービス名": "name",
    "プラン": "plan",
    "開始日": "started_on",
    "終了日": "ended_on",
    "月額": "monthly_fee",
    "月額料金": "monthly_fee",
}
BOM = b"\xef\xbb\xbf"


@dataclasses.dataclass(frozen=True)
class RowError:
    """One wrong value: where it is and what is wrong with it."""

    line: int
    field: str
    message: str
    # Among one line's errors: 0 for those found before the row's own checks (a repeated number), else 1.
    rank: int = dataclasses.field(default=1, compare=False, repr=False)

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class ImportFailed(ValueError):
    """The file has errors; nothing was imported.

    Attributes:
        errors: Every error found, in file order.
    """

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = sorted(errors, key=lambda error: (error.line, error.rank))  # stable: a row's own order stays
        super().__init__("\n".join(str(error) for error in self.errors))


# The file is read a block at a time; the encoding is told from its first SNIFF bytes of text
# that are not plain ASCII (plain ASCII reads the same in every one of them).
BLOCK = 1 << 20
SNIFF = 1 << 20
Source = bytes | str | os.PathLike


@contextlib.contextmanager
def opened(source: Source) -> Iterator[BinaryIO]:
    """The bytes of an import as a binary file: a file's path, or the bytes themselves."""
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(source)
    else:
        with open(source, "rb") as file:
            yield file


def blocks(file: BinaryIO) -> Iterator[bytes]:
    """The file's bytes in blocks that end at a line feed.

    No character of UTF-8, CP932, EUC-JP or ISO-2022-JP contains the byte 0x0A, so a block
    never splits one, nor a CR LF pair.
    """
    rest = b""
    while data := file.read(BLOCK):
        data = rest + data
        cut = data.rfind(b"\n") + 1
        rest = data[cut:]
        if cut:
            yield data[:cut]
    if rest:
        yield rest


def count_rows(file: BinaryIO) -> int:
    """About how many records follow the header (its lines less one), for a progress bar; rewinds the file."""
    lines = ends_open = 0
    for block in blocks(file):
        lines += block.count(b"\n")
        ends_open = not block.endswith(b"\n")
    file.seek(0)
    return max(lines + ends_open - 1, 0)


class TextStream:
    """The text of a file, decoded block by block as it is read (memory does not grow with the file).

    Detection never guesses between readings that both look like Japanese: a BOM or valid
    UTF-8 is UTF-8; 7-bit text with JIS escape sequences is ISO-2022-JP; otherwise the text
    is tried as Shift_JIS (CP932) and as EUC-JP, a reading that mixes half-width katakana
    into full-width text (what EUC-JP read as CP932 looks like) is dropped, and when both
    readings remain the file is refused and --encoding asked for. The encoding is told from
    the first megabyte (SNIFF) of text beyond plain ASCII; a byte further on that the encoding
    cannot read stops the import with its line, never a misreading.

    Iterating gives the text's lines with their line ends (CR LF, LF or CR, as csv wants them).

    Attributes:
        codec: "utf-8", "cp932", "euc_jp" or "iso2022_jp": the encoding given, else the one
            detected (known once the text beyond ASCII is reached; UTF-8 for a file of plain ASCII).
    """

    def __init__(self, file: BinaryIO, encoding: str | None = None) -> None:
        self.file = file
        self.given = encoding is not None
        self.codec: str | None = ENCODINGS[encoding.lower()] if encoding is not None else None
        self._lines = 0  # line feeds before the block being read

    def __iter__(self) -> Iterator[str]:
        parts = blocks(self.file)
        decoder = None
        for block in parts:
            if decoder is None and self.codec is None and block.isascii() and b"\x1b" not in block:
                yield from self._lines_of(block.decode("ascii"), block)
                continue
            if decoder is None:
                window = [block]
                if self.codec is None:
                    size = len(block)
                    for more in parts if size < SNIFF else ():
                        window.append(more)
                        size += len(more)
                        if size >= SNIFF:
                            break
                decoder = self._decoder(b"".join(window))
            else:
                window = [block]
            for part in window:
                try:
                    text = decoder.decode(part)
                except UnicodeDecodeError as error:
                    raise self._unreadable(part, error.start, [self.codec]) from None
                yield from self._lines_of(text, part)
        if self.codec is None:
            self.codec = UTF8

    def _lines_of(self, text: str, block: bytes) -> Iterator[str]:
        yield from io.StringIO(text, newline="")
        self._lines += block.count(b"\n")

    def _decoder(self, window: bytes):
        """The decoder of the file's encoding, detected from a window of its text when not given."""
        at_start = self._lines == 0
        if self.codec is None:
            self.codec = self._detect(window, at_start)
        name = self.codec
        if name == UTF8:
            name = "utf-8-sig" if at_start else "utf-8"
        elif name == ISO2022_JP:
            # ISO-2022-JP as mailers write it, else with JIS X 0213 (which holds ① and 髙).
            name = next((variant for variant in _ISO2022_CODECS[:-1] if _reads(window, variant)), _ISO2022_CODECS[-1])
        return codecs.getincrementaldecoder(name)()

    def _detect(self, window: bytes, at_start: bool) -> str:
        if at_start and window.startswith(BOM):
            return UTF8
        if max(window) < 0x80 and any(escape in window for escape in _ESCAPES):
            return ISO2022_JP
        candidates = [UTF8, CP932, EUC_JP]
        readings: dict[str, str] = {}
        furthest = 0
        for codec in candidates:
            try:
                readings[codec] = window.decode(codec)
            except UnicodeDecodeError as error:
                # The encoding that reads furthest is most likely the file's: point at its first bad byte.
                furthest = max(furthest, error.start)
                continue
            if codec == UTF8:
                return codec
        if not readings:
            raise self._unreadable(window, furthest, candidates)
        if len(readings) > 1:
            scores = {codec: _misread_score(text) for codec, text in readings.items()}
            best = min(scores.values())
            if list(scores.values()).count(best) > 1:
                raise ImportFailed([_ambiguous(readings, self._lines)])
            readings = {codec: text for codec, text in readings.items() if scores[codec] == best}
        return next(iter(readings))

    def _unreadable(self, data: bytes, position: int, tried: Sequence[str]) -> ImportFailed:
        line = self._lines + data[:position].count(b"\n") + 1
        names = " or ".join(NAMES[codec] for codec in tried)
        hint = "" if self.given else "; give --encoding if it is another one"
        return ImportFailed([RowError(line, "encoding", f"the file cannot be read as {names}{hint}")])


def _reads(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The whole text of a file's bytes, and the codec that read it (see TextStream).

    Args:
        data: The file's bytes.
        encoding: One of ENCODINGS' names; None to detect.

    Returns:
        The text (without a BOM) and "utf-8", "cp932", "euc_jp" or "iso2022_jp".

    Raises:
        ImportFailed: The bytes are not text in that encoding (names the line of the first byte
            that cannot be read), or it cannot be told which Japanese encoding they are in.
    """
    stream = TextStream(io.BytesIO(data), encoding)
    text = "".join(stream)
    return text, stream.codec


# Half-width katakana next to full-width text, or half-width punctuation (｡｢｣､･) inside a word:
# what EUC-JP's kana and kanji become when read as CP932. Control characters betray any misreading.
_MISREAD = re.compile(
    r"[\uff61-\uff9f][\u3000-\u9fff\uff01-\uff5e]|[\u3000-\u9fff\uff01-\uff5e][\uff61-\uff9f]"
    r"|[\uff61-\uff9f][\uff61-\uff65]|[\uff61-\uff65][\uff66-\uff9f]"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]"
)


def _misread_score(text: str) -> int:
    return sum(10 if match.group().isprintable() is False else 1 for match in _MISREAD.finditer(text))


def _ambiguous(readings: dict[str, str], lines_before: int = 0) -> RowError:
    """Refuse to guess, showing the first line that reads differently, so the operator can tell which is right."""
    lines = {codec: text.splitlines() for codec, text in readings.items()}
    first = next(
        (number for number, values in enumerate(zip(*lines.values(), strict=False), start=1) if len(set(values)) > 1),
        1,
    )
    shown = " or ".join(f"{lines[codec][first - 1][:40]!r} in {NAMES[codec]}" for codec in readings)
    return RowError(
        lines_before + first,
        "encoding",
        f"the file reads as Japanese in two encodings ({shown}); give --encoding shift_jis or --encoding euc-jp",
    )


class Records:
    """The records of a CSV file as they are read: (line it starts on, {column: NFKC-normalised value}).

    Blank records are skipped. A wrong header raises ImportFailed at once; a record with the wrong
    number of values, or CSV that cannot be parsed (which ends the reading), is noted in `errors`.
    An empty file raises ImportFailed once read.

    Attributes:
        header: The column names (Japanese ones as their English names), once the header is read.
        errors: The records' errors of form, in file order.
    """

    def __init__(self, file: BinaryIO, columns: Sequence[str], required: Sequence[str], encoding: str | None = None):
        self.text = TextStream(file, encoding)
        self.columns, self.required = columns, required
        self.header: list[str] | None = None
        self.errors: list[RowError] = []

    @property
    def codec(self) -> str:
        """The encoding the file is read with (UTF-8 until text beyond ASCII says otherwise)."""
        return self.text.codec or UTF8

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.reader(self.text, strict=True)
        previous_end = 0
        try:
            for record in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if self.header is None:
                    self.header = [_column(cell) for cell in record]
                    errors = _header_errors(start, self.header, self.columns, self.required)
                    if errors:
                        raise ImportFailed(errors)
                    continue
                if len(record) != len(self.header):
                    self.errors.append(
                        RowError(start, "row", f"has {len(record)} values; the header has {len(self.header)}")
                    )
                    continue
                # NFKC leaves ASCII as it is: only the rest is normalised (most cells of a large file are ASCII).
                yield (
                    start,
                    {
                        name: cell.strip() if cell.isascii() else nfkc(cell)
                        for name, cell in zip(self.header, record, strict=True)
                    },
                )
        except csv.Error as error:
            self.errors.append(RowError(reader.line_num, "row", f"is not valid CSV ({error})"))
        if self.header is None:
            empty = f"the file is empty; the first row must name the columns: {', '.join(self.required)}"
            raise ImportFailed([*self.errors, RowError(1, "header", empty)])


def _column(cell: str) -> str:
    name = nfkc(cell).lower()
    return JAPANESE_COLUMNS.get(name, name)


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


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A UTF-8 CSV file of a header and rows, as an import reads it (the demo loads its data so)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()
