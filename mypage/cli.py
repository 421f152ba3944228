"""The `mypage` command for operators and the product team."""

from __future__ import annotations

import sys

import click

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


if __name__ == "__main__":
    sys.exit(main())
