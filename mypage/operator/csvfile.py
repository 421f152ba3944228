"""Reading a CSV file from the billing system: its encoding, its header, its records.

Errors are collected, not raised one by one: ImportFailed carries every
`line N, field: message` found, so the operator can fix the file in one go.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Sequence

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
# ISO-2022-JP as mailers write it, then with JIS X 0213 (which holds ① and 髙).
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

    Detection never guesses between readings that both look like Japanese: a BOM or valid
    UTF-8 is UTF-8; 7-bit text with JIS escape sequences is ISO-2022-JP; otherwise the file
    is tried as Shift_JIS (CP932) and as EUC-JP, a reading that mixes half-width katakana
    into full-width text (what EUC-JP read as CP932 looks like) is dropped, and when both
    readings remain the file is refused and --encoding asked for.

    Args:
        data: The file's bytes.
        encoding: One of ENCODINGS' names; None to detect.

    Returns:
        The text (without a BOM) and "utf-8", "cp932", "euc_jp" or "iso2022_jp".

    Raises:
        ImportFailed: The bytes are not text in that encoding (names the line of the first byte
            that cannot be read), or it cannot be told which Japanese encoding they are in.
    """
    if encoding is not None:
        candidates = [ENCODINGS[encoding.lower()]]
    elif data.startswith(BOM):
        candidates = [UTF8]
    elif b"\x1b" in data and max(data) < 0x80 and any(escape in data for escape in _ESCAPES):
        candidates = [ISO2022_JP]
    else:
        candidates = [UTF8, CP932, EUC_JP]
    readings: dict[str, str] = {}
    furthest = 0
    for codec in candidates:
        try:
            readings[codec] = _read(data, codec)
        except UnicodeDecodeError as error:
            # The encoding that reads furthest is most likely the file's: point at its first bad byte.
            furthest = max(furthest, error.start)
            continue
        if codec == UTF8 or encoding is not None:
            return readings[codec], codec
    if encoding is None and len(readings) > 1:
        scores = {codec: _misread_score(text) for codec, text in readings.items()}
        best = min(scores.values())
        if list(scores.values()).count(best) > 1:
            raise ImportFailed([_ambiguous(readings)])
        readings = {codec: text for codec, text in readings.items() if scores[codec] == best}
    if readings:
        codec, text = next(iter(readings.items()))
        return text, codec
    line = data[:furthest].count(b"\n") + 1
    tried = " or ".join(NAMES[c] for c in candidates)
    hint = "" if encoding else "; give --encoding if it is another one"
    raise ImportFailed([RowError(line, "encoding", f"the file cannot be read as {tried}{hint}")])


def _read(data: bytes, codec: str) -> str:
    if codec == UTF8:
        return data.decode("utf-8-sig")
    if codec != ISO2022_JP:
        return data.decode(codec)
    for variant in _ISO2022_CODECS[:-1]:
        try:
            return data.decode(variant)
        except UnicodeDecodeError:
            pass
    return data.decode(_ISO2022_CODECS[-1])


# Half-width katakana next to full-width text, or half-width punctuation (｡｢｣､･) inside a word:
# what EUC-JP's kana and kanji become when read as CP932. Control characters betray any misreading.
_MISREAD = re.compile(
    r"[\uff61-\uff9f][\u3000-\u9fff\uff01-\uff5e]|[\u3000-\u9fff\uff01-\uff5e][\uff61-\uff9f]"
    r"|[\uff61-\uff9f][\uff61-\uff65]|[\uff61-\uff65][\uff66-\uff9f]"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]"
)


def _misread_score(text: str) -> int:
    return sum(10 if match.group().isprintable() is False else 1 for match in _MISREAD.finditer(text))


def _ambiguous(readings: dict[str, str]) -> RowError:
    """Refuse to guess, showing the first line that reads differently, so the operator can tell which is right."""
    lines = {codec: text.splitlines() for codec, text in readings.items()}
    first = next(
        (number for number, values in enumerate(zip(*lines.values(), strict=False), start=1) if len(set(values)) > 1),
        1,
    )
    shown = " or ".join(f"{lines[codec][first - 1][:40]!r} in {NAMES[codec]}" for codec in readings)
    return RowError(
        first,
        "encoding",
        f"the file reads as Japanese in two encodings ({shown}); give --encoding shift_jis or --encoding euc-jp",
    )


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
                header = [_column(cell) for cell in record]
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
