"""The operator's data at scale: imports into SQLite and PostgreSQL, 10,000 letters, one invoice PDF.

Prints, for each step, the wall time and the peak memory (max RSS) of the `mypage` process
that did it:
- `mypage import customers|services|bills` of N customers, 2 services each and 24 months of
  one-line bills (N × 24 bill lines), into SQLite and into PostgreSQL (Debian's PostgreSQL,
  a throwaway cluster on loopback as the tests start it). The issue's goal is 100,000 customers
  (2.4 million bill lines) in under 2 minutes and 500 MB; that is the default size.
  `--size N` (or BENCH_IMPORT_CUSTOMERS=N) runs it small, e.g. `--size 2000`.
- `letters_pdf` of BENCH_LETTERS letters (10,000 by default, `--letters N`).
- One invoice PDF: time (median) and bytes with the embedded TrueType font, and with the
  non-embedded CID font HeiseiKakuGo-W5 the PDFs used before.

    .venv/bin/python -m bench.bench_import [--size N] [--letters N] [--no-postgres]
    .venv/bin/python -m bench bench_import          # the same, full size
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mypage.operator.importer import BILL_COLUMNS, CUSTOMER_COLUMNS
from mypage.operator.service_import import SERVICE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
CUSTOMERS = int(os.environ.get("BENCH_IMPORT_CUSTOMERS", "100000"))
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
    invoices.printable = lambda text, font=None: text
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


def _writer(path: Path, columns: tuple[str, ...]):
    """A CSV writer of rows given as dicts, in the importer's own column order."""
    file = path.open("w", newline="", encoding="utf-8")
    writer = csv.DictWriter(file, fieldnames=columns, restval="")
    writer.writeheader()
    return file, writer


def write_files(folder: Path, customers: int, months: int) -> dict[str, Path]:
    """The billing system's three files for that many customers, with the importers' columns."""
    paths = {kind: folder / f"{kind}.csv" for kind in ("customers", "services", "bills")}
    file, writer = _writer(paths["customers"], CUSTOMER_COLUMNS)
    with file:
        for n in range(customers):
            writer.writerow(
                {
                    "customer_number": f"5{n:09d}",
                    "name": "青森 太郎",
                    "kana": "アオモリ タロウ",
                    "postal_code": "030-0801",
                    "address": "青森県青森市新町1-2-3",
                }
            )
    file, writer = _writer(paths["services"], SERVICE_COLUMNS)
    with file:
        for n in range(customers):
            common = {"customer_number": f"5{n:09d}", "started_on": "2020-04-01", "tax_rate": 10}
            writer.writerow(
                {**common, "kind": "tv", "name": "ACTテレビ", "plan": "スタンダードコース", "monthly_fee": 4500}
            )
            writer.writerow({**common, "kind": "equipment", "name": "STBレンタル", "monthly_fee": 500})
    file, writer = _writer(paths["bills"], BILL_COLUMNS)
    with file:
        for n in range(customers):
            for month in range(months):
                year, index = 2024 + month // 12, month % 12 + 1
                issued = f"{year + index // 12}-{index % 12 + 1:02d}-01"
                writer.writerow(
                    {
                        "customer_number": f"5{n:09d}",
                        "period": f"{year}-{index:02d}",
                        "invoice_number": f"B{n:09d}{year}{index:02d}",
                        "issued_on": issued,
                        "due_on": issued[:8] + "27",
                        "payment_method": "口座振替",
                        "status": "paid",
                        "description": "ACTテレビ 基本料金",
                        "quantity": 1,
                        "unit_price": 4500,
                        "amount": 4500,
                        "tax_rate": 10,
                        "paid_on": issued[:8] + "27",
                    }
                )
    return paths


def import_all(url: str, paths: dict[str, Path]) -> None:
    """Each import in its own `mypage` process; then the bills again (nothing changes: every invoice compared)."""
    env = {**os.environ, "MYPAGE_DATABASE_URL": url, "MYPAGE_ENV": "development"}
    cli = [sys.executable, "-m", "mypage.operator.cli"]
    measured([*cli, "db", "upgrade"], env)
    total = 0.0
    for kind in ("customers", "services", "bills"):
        seconds, peak, out = measured([*cli, "import", kind, str(paths[kind])], env)
        total += seconds
        print(f"  import {kind:9s} {seconds:7.1f} s   peak {peak:5.0f} MB   {out.strip()}", flush=True)
    print(f"  all three        {total:7.1f} s", flush=True)
    seconds, peak, out = measured([*cli, "import", "bills", str(paths["bills"])], env)
    print(f"  bills again      {seconds:7.1f} s   peak {peak:5.0f} MB   {out.strip()}", flush=True)


@contextlib.contextmanager
def postgres():
    sys.path.insert(0, str(ROOT))
    from tests.postgres import postgres_server

    with postgres_server() as url:
        yield url


def _stop_cleanly(signum, frame) -> None:
    """A benchmark stopped with kill still stops its PostgreSQL cluster and deletes its files."""
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_import", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=CUSTOMERS, help="customers (default %(default)s)")
    parser.add_argument("--months", type=int, default=MONTHS, help="monthly bills per customer (default %(default)s)")
    parser.add_argument("--letters", type=int, default=LETTERS, help="letters in one PDF (default %(default)s)")
    parser.add_argument("--no-sqlite", action="store_true", help="no imports into SQLite")
    parser.add_argument("--no-postgres", action="store_true", help="no imports into PostgreSQL")
    parser.add_argument("--no-pdf", action="store_true", help="no letters, no invoice PDF")
    parser.add_argument("--files", type=Path, help="a folder whose customers, services and bills.csv to import")
    # `python -m bench bench_import` passes the benchmark's name: ignore what is not an option.
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _stop_cleanly)
    load = os.getloadavg()
    print(
        f"{args.size:,} customers, {2 * args.size:,} services, {args.size * args.months:,} bill lines"
        f" ({os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="mypage-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        if args.files:
            paths = {kind: args.files / f"{kind}.csv" for kind in ("customers", "services", "bills")}
        else:
            paths = write_files(folder, args.size, args.months)
        sizes = ", ".join(f"{kind} {path.stat().st_size / 1e6:.0f} MB" for kind, path in paths.items())
        print(f"files written in {time.perf_counter() - start:.1f} s ({sizes})", flush=True)
        if not args.no_sqlite:
            print("SQLite:", flush=True)
            import_all(f"sqlite:///{folder / 'bench.db'}", paths)
        if not args.no_postgres:
            try:
                with postgres() as url:
                    print("PostgreSQL:", flush=True)
                    import_all(url, paths)
            except Exception as error:  # noqa: BLE001 - a benchmark reports what it could not run
                print(f"PostgreSQL: not run ({error})")
    if not args.no_pdf:
        pdfs(args.letters)
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def pdfs(count: int) -> None:
    """The letters' and the invoice's figures."""
    env = {**os.environ, "MYPAGE_ENV": "development"}
    seconds, peak, out = measured([sys.executable, "-c", LETTERS_SCRIPT, str(count)], env)
    pdf_seconds, size = out.split()
    print(f"{count:,} letters: {float(pdf_seconds):.1f} s, {int(size) / 1e6:.1f} MB PDF, peak {peak:.0f} MB")
    for kind, label in (("cid", "CID font, not embedded"), ("ttf", "embedded TrueType font")):
        _, _, out = measured([sys.executable, "-c", INVOICE_SCRIPT, kind], env)
        median, size = out.split()
        print(f"invoice PDF, {label}: {float(median) * 1000:.1f} ms, {int(size):,} bytes")


if __name__ == "__main__":
    main()
