"""The `mypage` command for operators and the product team.

Bad settings or bad input end the command with one clear line and exit status 1,
and nothing is written.
"""

from __future__ import annotations

import json
import sys
import unicodedata

import click
import sqlalchemy as sa

from mypage import db
from mypage.settings import SettingsError, get_settings


@click.group()
def main() -> None:
    """MyPage: the subscriber portal's operator commands."""
    try:
        get_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


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
def demo(as_json: bool) -> None:
    """Load the demo customers, bills and notices (idempotent; refused in production)."""
    from mypage.demo import DemoRefused, load

    try:
        with db.session() as session:
            customers = load(session)
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
    click.echo("demo data is loaded", err=True)


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
    from mypage.customers import CustomerError, CustomerInput, add_customer

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


if __name__ == "__main__":
    sys.exit(main())
