"""The operator's data at scale: imports into SQLite and PostgreSQL, 10,000 letters, one invoice PDF.

Prints, for each step, the wall time and the peak memory (max RSS) of the `mypage` process
that did it:
- `mypage import customers|services|bills` of N customers, 2 services each and 24 months of
  one-line bills (N × 24 bill lines), into SQLite and into PostgreSQL (when Debian's
  PostgreSQL is installed). The issue's goal is 100,000 customers (2.4 million bill lines)
  in under 2 minutes and 500 MB; the default is smaller so that `make bench` stays short on
  a shared machine: `BENCH_IMPORT_CUSTOMERS=100000 python -m bench bench_import` for the
  full size.
- `letters_pdf` of BENCH_LETTERS letters (10,000 by default).
- One invoice PDF: time (median) and bytes with the embedded TrueType font, and with the
  non-embedded CID font HeiseiKakuGo-W5 the PDFs used before.
"""

from __future__ import annotations

import contextlib
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CUSTOMERS = int(os.environ.get("BENCH_IMPORT_CUSTOMERS", "5000"))
MONTHS = int(os.environ.get("BENCH_IMPORT_MONTHS", "24"))
LETTERS = int(os.environ.get("BENCH_LETTERS", "10000"))

LETTERS_SCRIPT = """
import datetime as dt, sys, time
from mypage.operator import letters
count = int(sys.argv[1])
batch = [letters.Letter(f"{n:010d}", "青森 太郎", "030-0801", "青森県青森市新町1-2-3", "Ab3D-eF4g-H5jK",
                        dt.date(2026, 11, 25), dt.date(2027, 2, 22)) for n in range(count)]
start = time.perf_counter()
pdf = letters.letters_pdf(batch)
print(time.perf_counter() - start, len(pdf))
"""
INVOICE_SCRIPT = """
import datetime as dt, statistics, sys, time
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from mypage import pdftext
from mypage.billing import invoices, statements

if sys.argv[1] == "cid":
    def register():
        for name in (pdftext.FONT, pdftext.BOLD):
            font = UnicodeCIDFont("HeiseiKakuGo-W5")
            font.name = font.fontName = name
            pdfmetrics.registerFont(font)
    pdftext.register = register
    invoices.register = register
lines = tuple(statements.Line(f"ACTサービス {n} 基本料金", 1, 1000 + n, 1000 + n, 10) for n in range(12))
item = statements.Statement(1, 1, "ACT-1000000001-202610", "2026-10", dt.date(2026, 11, 1), dt.date(2026, 11, 27),
                            "口座振替", "scheduled", "口座振替予定", None, lines, statements.rate_totals(lines))
invoices.invoice_pdf(item, "青森 太郎")  # fonts loaded once, as in a running portal
times = []
for _ in range(20):
    start = time.perf_counter()
    pdf = invoices.invoice_pdf(item, "青森 太郎")
    times.append(time.perf_counter() - start)
print(statistics.median(times), len(pdf))
"""


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command; its wall seconds, its own peak memory (max RSS) in MB, and its standard output."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage, not every child's
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command[-3:])} failed: {err.read().strip()[-500:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def write_files(folder: Path) -> dict[str, Path]:
    """The billing system's three files for CUSTOMERS customers."""
    paths = {kind: folder / f"{kind}.csv" for kind in ("customers", "services", "bills")}
    with paths["customers"].open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["customer_number", "name", "kana", "email", "postal_code", "address", "phone"])
        for n in range(CUSTOMERS):
            writer.writerow([f"5{n:09d}", "青森 太郎", "アオモリ タロウ", "", "030-0801", "青森県青森市新町1-2-3", ""])
    with paths["services"].open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["customer_number", "kind", "name", "plan", "started_on", "monthly_fee"])
        for n in range(CUSTOMERS):
            writer.writerow([f"5{n:09d}", "tv", "ACTテレビ", "スタンダードコース", "2020-04-01", 4500])
            writer.writerow([f"5{n:09d}", "equipment", "STBレンタル", "", "2020-04-01", 500])
    with paths["bills"].open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                "customer_number",
                "period",
                "invoice_number",
                "issued_on",
                "due_on",
                "payment_method",
                "status",
                "description",
                "quantity",
                "unit_price",
                "amount",
                "tax_rate",
            ]
        )
        for n in range(CUSTOMERS):
            for month in range(MONTHS):
                year, index = 2024 + month // 12, month % 12 + 1
                issued = f"{year + index // 12}-{index % 12 + 1:02d}-01"
                row = [f"5{n:09d}", f"{year}-{index:02d}", f"B{n:09d}{year}{index:02d}", issued, issued[:8] + "27"]
                writer.writerow([*row, "口座振替", "paid", "ACTテレビ 基本料金", 1, 4500, 4500, 10])
    return paths


def import_all(url: str, paths: dict[str, Path]) -> None:
    env = {**os.environ, "MYPAGE_DATABASE_URL": url, "MYPAGE_ENV": "development"}
    cli = [sys.executable, "-m", "mypage.operator.cli"]
    measured([*cli, "db", "upgrade"], env)
    for kind in ("customers", "services", "bills"):
        seconds, peak, _ = measured([*cli, "import", kind, str(paths[kind])], env)
        print(f"  import {kind:9s} {seconds:7.1f} s   peak {peak:7.0f} MB", flush=True)


@contextlib.contextmanager
def postgres():
    sys.path.insert(0, str(ROOT))
    from tests.postgres import postgres_server

    with postgres_server() as url:
        yield url


def main() -> None:
    print(f"{CUSTOMERS:,} customers, {2 * CUSTOMERS:,} services, {CUSTOMERS * MONTHS:,} bill lines")
    with tempfile.TemporaryDirectory(prefix="mypage-bench-") as tmp:
        folder = Path(tmp)
        paths = write_files(folder)
        print("SQLite:")
        import_all(f"sqlite:///{folder / 'bench.db'}", paths)
        try:
            with postgres() as url:
                print("PostgreSQL:")
                import_all(url, paths)
        except Exception as error:  # noqa: BLE001 - a benchmark reports what it could not run
            print(f"PostgreSQL: not run ({error})")
    env = {**os.environ, "MYPAGE_ENV": "development"}
    seconds, peak, out = measured([sys.executable, "-c", LETTERS_SCRIPT, str(LETTERS)], env)
    pdf_seconds, size = out.split()
    print(f"{LETTERS:,} letters: {float(pdf_seconds):.1f} s, {int(size) / 1e6:.1f} MB PDF, peak {peak:.0f} MB")
    for kind, label in (("cid", "CID font, not embedded"), ("ttf", "embedded TrueType font")):
        _, _, out = measured([sys.executable, "-c", INVOICE_SCRIPT, kind], env)
        median, size = out.split()
        print(f"invoice PDF, {label}: {float(median) * 1000:.1f} ms, {int(size):,} bytes")


if __name__ == "__main__":
    main()
