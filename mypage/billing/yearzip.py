"""年間一括ダウンロード: one calendar year's invoices and receipts as a ZIP, written as a stream.

The archive is produced while it is sent: each PDF is made, compressed and handed on before
the next one is made, so a year of bills never sits in memory as one file. The names inside
are ASCII (`2025-04_invoice_ACT-….pdf`, `2025-04_receipt_….pdf`), which every unzip tool
shows the same way, whatever its language: names in Japanese come out garbled in the ZIP
tools of many Japanese Windows machines, which read them as Shift_JIS.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Sequence

from mypage.billing import invoices, receipts
from mypage.billing.statements import Addressee, Statement


class _Sink(io.RawIOBase):
    """A write-only, unseekable file that keeps what is written until it is taken."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def documents(items: Sequence[Statement], to: Addressee) -> Iterator[tuple[str, Statement, Callable[[], bytes]]]:
    """Each statement's invoice, and its receipt when paid, oldest month first: (name, statement, render)."""
    for item in sorted(items, key=lambda s: s.period):
        yield f"{item.period}_{invoices.pdf_filename(item)}", item, lambda i=item: invoices.invoice_pdf(i, to)
        if item.status == "paid" and item.paid_on:
            yield f"{item.period}_{receipts.pdf_filename(item)}", item, lambda i=item: receipts.receipt_pdf(i, to)


def year_zip(items: Sequence[Statement], to: Addressee) -> Iterator[bytes]:
    """The ZIP of the statements' PDFs, in pieces as it is written (for a streamed response).

    Args:
        items: One year's statements.
        to: Their addressee.

    Yields:
        The archive's bytes, a piece per document, then its directory.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, item, render in documents(items, to):
            info = zipfile.ZipInfo(name, date_time=(*item.issued_on.timetuple()[:3], 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, render())
            yield sink.take()
    yield sink.take()


def zip_filename(year: int) -> str:
    """The download's file name: ASCII, so every browser keeps it."""
    return f"mypage-{year}.zip"
