"""The `mypage` command for operators and the product team.

Bad settings or bad input end the command with one clear line and exit status 1,
and nothing is written.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from pathlib import Path

import click
import sqlalchemy as sa

from mypage import db, privatefiles
from mypage.settings import SettingsError, get_settings


class _Group(click.Group):
    """The command group; wrong usage (a missing or malformed option) exits with 1 like any bad input."""

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as error:
            error.exit_code = 1
            raise

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            error.exit_code = 1
            raise


@click.group(cls=_Group)
def main() -> None:
    """MyPage: the subscriber portal's operator commands."""
    try:
        get_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    from mypage import logs

    logs.configure()


@main.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest migration."""
    db.upgrade()
    click.echo("database is up to date", err=True)


def _database_error(error: sa.exc.SQLAlchemyError) -> click.ClickException:
    first_line = str(error).splitlines()[0]
    if isinstance(error, sa.exc.IntegrityError):
        return click.ClickException(f"nothing was written: a row conflicts with one already there ({first_line})")
    return click.ClickException(f"the database cannot be used ({first_line}); run `mypage db upgrade` first")


def _print_json(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@main.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print the demo customers as JSON.")
@click.option("--reset", is_flag=True, help="Put the demo back as on first load (demo customers unregistered).")
def demo(as_json: bool, reset: bool) -> None:
    """Load the demo customers, bills and notices (idempotent; refused in production)."""
    from mypage.operator.demo import DemoRefused, load
    from mypage.operator.demo_reset import reset as reset_demo

    try:
        with db.session() as session:
            customers = reset_demo(session, staff=os.environ.get("USER", "")) if reset else load(session)
    except DemoRefused as error:
        raise click.ClickException(str(error)) from None
    except sa.exc.SQLAlchemyError as error:
        raise _database_error(error) from None
    if as_json:
        _print_json({"customers": customers})
        return
    header = ("種別", "お客様番号", "認証コード", "お名前", "アカウント", "ログインID", "パスワード")
    rows = [
        (
            c["kind"],
            c["customer_number"],
            c["auth_code"],
            c["name"],
            "登録済み" if c["has_account"] else "未登録",
            c.get("login_id", "-"),
            c.get("password", "-"),
        )
        for c in customers
    ]
    click.echo(_table(header, rows))
    click.echo("demo data is reset" if reset else "demo data is loaded", err=True)


def _width(text: str) -> int:
    """Columns a string takes in a terminal: full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "FW" else 1 for ch in text)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(_width(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        cells = [cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


@main.group("customer")
def customer_group() -> None:
    """Customers and their authentication codes."""


@customer_group.command("add")
@click.option("--name", default="", help="お名前 (required).")
@click.option("--kana", default="", help="フリガナ.")
@click.option("--email", default="", help="E-mail address.")
@click.option("--postal-code", default="", help="郵便番号, NNN-NNNN.")
@click.option("--address", default="", help="住所.")
@click.option("--phone", default="", help="電話番号, digits and hyphens.")
@click.option("--json", "as_json", is_flag=True, help="Print the number and code as JSON.")
def customer_add(name: str, kana: str, email: str, postal_code: str, address: str, phone: str, as_json: bool) -> None:
    """Create a customer with a new customer number and authentication code (valid 90 days)."""
    from mypage.operator.customers import CustomerError, CustomerInput, add_customer

    data = CustomerInput(name=name, kana=kana, email=email, postal_code=postal_code, address=address, phone=phone)
    try:
        with db.session() as session:
            customer, code = add_customer(session, data)
    except CustomerError as error:
        raise click.ClickException(f"--{error.field}: {error.message}") from None
    except sa.exc.SQLAlchemyError as error:
        raise _database_error(error) from None
    if as_json:
        _print_json({"customer_number": customer.customer_number, "auth_code": code})
        return
    click.echo(f"お客様番号: {customer.customer_number}")
    click.echo(f"認証コード: {code}")


# --- codes issue --------------------------------------------------------------------------------


@main.group("codes")
def codes_group() -> None:
    """Authentication codes and the letters that carry them."""


def _letters_path(path: Path | None) -> Path:
    if path is None:
        raise click.ClickException("--letters: give the PDF file to write the letters to")
    if path.suffix.lower() != ".pdf":
        raise click.ClickException(f"--letters: must name a .pdf file, not {str(path)!r}")
    if path.exists():
        raise click.ClickException(
            f"--letters: {path} already exists; letters hold the only copy of their codes, so it is not overwritten"
        )
    if not path.parent.is_dir():
        raise click.ClickException(f"--letters: the folder {path.parent} does not exist")
    return path


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, readable by its owner only (it holds codes)."""
    privatefiles.write_new(path, data)


@codes_group.command("issue")
@click.option("--customer", "numbers", multiple=True, metavar="NUMBER", help="お客様番号; repeat for several.")
@click.option("--all-without-account", is_flag=True, help="Every customer who has no MyPage account yet.")
@click.option(
    "--letters",
    "letters_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PDF file to write (must not exist yet).",
)
@click.option(
    "--expires-days",
    type=click.IntRange(1, 3650),
    default=90,
    show_default=True,
    help="How many days the new codes work.",
)
@click.option("--json", "as_json", is_flag=True, help="Also print the customer numbers and codes as JSON.")
def codes_issue(
    numbers: tuple[str, ...], all_without_account: bool, letters_path: Path | None, expires_days: int, as_json: bool
) -> None:
    """Issue new authentication codes (revoking earlier ones) and write their letters as one PDF.

    The PDF is the only place the plain codes are written; the database keeps their hashes.
    """
    from mypage.models import utcnow
    from mypage.operator import letters
    from mypage.operator.customers import CustomerError, by_numbers, without_account

    if bool(numbers) == all_without_account:
        raise click.ClickException("--customer: give --customer NUMBER (one or more) or --all-without-account")
    path = _letters_path(letters_path)
    written = False
    try:
        with db.session() as session:
            chosen = by_numbers(session, list(numbers)) if numbers else without_account(session)
            issued = letters.issue(session, chosen, utcnow(), expires_days)
            if issued:
                _write_new(path, letters.letters_pdf(issued))
                written = True
    except CustomerError as error:
        raise click.ClickException(f"--{error.field}: {error.message}") from None
    except letters.FontMissing as error:
        raise click.ClickException(f"{error}; no code was issued") from None
    except OSError as error:
        raise click.ClickException(f"--letters: cannot write {path} ({error.strerror}); no code was issued") from None
    except sa.exc.SQLAlchemyError as error:
        if written:
            path.unlink(missing_ok=True)
        raise _database_error(error) from None
    if as_json:
        _print_json(
            {
                "letters": str(path) if issued else None,
                "codes": [
                    {
                        "customer_number": letter.customer_number,
                        "name": letter.name,
                        "auth_code": letter.auth_code,
                        "valid_through": letter.valid_through.isoformat() if letter.valid_through else None,
                    }
                    for letter in issued
                ],
            }
        )
    if not issued:
        click.echo("every customer has an account; no code was issued and no letter written", err=True)
        return
    if not as_json:
        click.echo(_table(("お客様番号", "お名前"), [(letter.customer_number, letter.name) for letter in issued]))
    valid = issued[0].valid_through
    click.echo(f"{len(issued)} letter(s) written to {path}; the codes work through {valid.isoformat()}", err=True)


# --- import -------------------------------------------------------------------------------------


@main.group("import")
def import_group() -> None:
    """CSV files from the billing system (UTF-8, Shift_JIS, EUC-JP or ISO-2022-JP)."""


def _import(kind: str, path: Path, encoding: str | None, as_json: bool, dry_run: bool = False) -> None:
    from mypage.models import utcnow
    from mypage.operator import importer
    from mypage.operator.service_import import import_services

    bar = _ProgressBar()
    try:
        with db.session() as session, bar:
            # The file is read as a stream (mypage.operator.importloop), not loaded whole.
            if kind == "customers":
                summary = importer.import_customers(session, path, utcnow(), encoding, progress=bar, dry_run=dry_run)
            elif kind == "services":
                summary = import_services(session, path, encoding, progress=bar, dry_run=dry_run)
            else:
                summary = importer.import_bills(session, path, encoding, progress=bar, dry_run=dry_run)
            if dry_run:
                session.rollback()
    except importer.ImportFailed as error:
        for problem in error.errors:
            click.echo(str(problem), err=True)
        count = len(error.errors)
        raise click.ClickException(f"{count} error{'s' if count > 1 else ''} in {path}; nothing was written") from None
    except sa.exc.SQLAlchemyError as error:
        raise _database_error(error) from None
    mails = _bill_mails() if kind == "bills" and not dry_run else None
    mails = mails if mails and (mails.sent or mails.failed) else None  # reported when a mail was due
    if as_json:
        report = {**summary.as_dict(), **({"mails": mails.as_dict()} if mails else {})}
        _print_json({**report, "dry_run": dry_run} if dry_run else report)
    else:
        counts = f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged"
        lines = f"; {summary.lines} invoice lines written" if summary.kind == "invoices" else ""
        if summary.corrected:
            counts += f", {summary.corrected} corrected (修正)"
        click.echo(f"{summary.kind}: {counts}{lines} (read as {summary.encoding})")
        if dry_run:
            click.echo("dry run: the file is valid; nothing was written", err=True)
        if mails:
            click.echo(f"bill mails: {mails.sent} sent, {mails.skipped} without a mail, {len(mails.failed)} failed")
    if mails and mails.failed:
        for failure in mails.failed:
            click.echo(str(failure), err=True)
        raise click.ClickException(
            f"{len(mails.failed)} bill mail(s) not sent; the bills are imported, and the next import sends them"
        )


def _bill_mails():
    """ご請求額確定のお知らせ for the new bills, after the import's commit."""
    from mypage.billing import billmail

    try:
        return billmail.send_pending(db.session)
    except sa.exc.SQLAlchemyError as error:
        raise _database_error(error) from None


class _ProgressBar:
    """A progress bar on a terminal while the rows of a long file are checked (not when piped)."""

    LONG = 5000

    def __init__(self) -> None:
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < self.LONG or not sys.stderr.isatty():
                return
            self.bar = click.progressbar(length=total, label="checking rows", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


_ENCODING = click.option(
    "--encoding",
    type=click.Choice(["utf-8", "shift_jis", "cp932", "euc-jp", "iso-2022-jp"], case_sensitive=False),
    help="The file's encoding; detected when not given (Shift_JIS is read as Windows' CP932).",
)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Check the file and print the summary; write nothing.")
_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_JSON = click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")


@import_group.command("customers")
@_FILE
@_ENCODING
@_JSON
@_DRY_RUN
def import_customers(file: Path, encoding: str | None, as_json: bool, dry_run: bool) -> None:
    """Add or update customers (by customer_number).

    Columns: customer_number, name, kana, email, postal_code, address, phone, company, department.
    """
    _import("customers", file, encoding, as_json, dry_run)


@import_group.command("bills")
@_FILE
@_ENCODING
@_JSON
@_DRY_RUN
def import_bills(file: Path, encoding: str | None, as_json: bool, dry_run: bool) -> None:
    """Add or update invoices, one row per invoice line (by invoice_number, else customer and period).

    Columns: customer_number, period, invoice_number, issued_on, due_on, payment_method, status,
    description, quantity, unit_price, amount, tax_rate [, paid_on].
    """
    _import("bills", file, encoding, as_json, dry_run)


@import_group.command("services")
@_FILE
@_ENCODING
@_JSON
@_DRY_RUN
def import_services(file: Path, encoding: str | None, as_json: bool, dry_run: bool) -> None:
    """Add or update contracted services, options and rented devices (by customer_number and name).

    Columns: customer_number, kind, name, started_on, monthly_fee [, plan, ended_on, tax_rate].
    """
    _import("services", file, encoding, as_json, dry_run)


# --- export paperless ---------------------------------------------------------------------------


@main.group("export")
def export_group() -> None:
    """Lists for the billing system."""


@export_group.command("paperless")
@click.option(
    "--since", default="", metavar="YYYY-MM-DD", help="Only customers who chose Web明細 on or after this day (Japan)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def export_paperless(since: str, as_json: bool) -> None:
    """The customers who chose Web明細 (no paper statements), as CSV: customer_number, name, paperless_since."""
    import datetime as dt

    from mypage import jptime
    from mypage.billing import preferences
    from mypage.security import nfkc

    start = None
    if since:
        try:
            start = jptime.start_of(dt.date.fromisoformat(nfkc(since).replace("/", "-")))
        except ValueError:
            raise click.ClickException(f"--since: must be a date YYYY-MM-DD, not {since!r}") from None
    try:
        with db.session() as session:
            text = preferences.paperless_csv(preferences.paperless_customers(session, start))
    except sa.exc.SQLAlchemyError as error:
        raise _database_error(error) from None
    if as_json:
        import csv
        import io

        _print_json({"customers": list(csv.DictReader(io.StringIO(text)))})
        return
    click.echo(text, nl=False)


# --- notice add ---------------------------------------------------------------------------------


@main.group("notice")
def notice_group() -> None:
    """お知らせ shown on the subscribers' pages."""


@notice_group.command("add")
@click.option("--title", default="", help="件名 (required).")
@click.option("--body", default="", help="本文 (required).")
@click.option("--customer", default="", metavar="NUMBER", help="Only for this customer; everyone by default.")
@click.option("--starts", default="", metavar="YYYY-MM-DD", help="First day shown (Japan); now by default.")
@click.option("--ends", default="", metavar="YYYY-MM-DD", help="Last day shown (Japan); no end by default.")
@click.option("--json", "as_json", is_flag=True, help="Print the new notice as JSON.")
def notice_add(title: str, body: str, customer: str, starts: str, ends: str, as_json: bool) -> None:
    """Post a notice and print its id."""
    from mypage.models import utcnow
    from mypage.operator.notice_admin import NoticeError, NoticeInput, add_notice
    from mypage.security import nfkc

    data = NoticeInput(title=title, body=body, customer=customer, starts=starts, ends=ends)
    try:
        with db.session() as session:
            notice = add_notice(session, data, utcnow())
    except NoticeError as error:
        raise click.ClickException(f"--{error.field}: {error.message}") from None
    except sa.exc.SQLAlchemyError as error:
        raise _database_error(error) from None
    if as_json:
        _print_json(
            {
                "id": notice.id,
                "title": notice.title,
                "customer_number": nfkc(customer) or None,
                "starts_at": notice.starts_at.isoformat(),
                "ends_at": notice.ends_at.isoformat() if notice.ends_at else None,
            }
        )
        return
    click.echo(notice.id)


# --- the support desk: account, notice list|withdraw, audit export (support_cli.py) -------------

from mypage.operator.support_cli import account_group, audit_group, notice_list, notice_withdraw  # noqa: E402

main.add_command(account_group)
main.add_command(audit_group)
notice_group.add_command(notice_list)
notice_group.add_command(notice_withdraw)

# The production launch, housekeeping and deployment: serve, worker, build, nginx-site, purge.
from mypage.operator import cli_production  # noqa: E402

cli_production.register(main)


if __name__ == "__main__":
    sys.exit(main())
