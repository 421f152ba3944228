"""The support desk's commands: `mypage account …`, `mypage notice list|withdraw`, `mypage audit export`.

cli.py registers them. Each action is recorded in the audit trail with the staff member
(`--staff NAME`, by default the operating-system user). Bad input ends with one clear
line and exit status 1, and nothing is written.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable

import click
import sqlalchemy as sa

from mypage import db
from mypage.mail import MailError
from mypage.operator.support import SupportError


def _default_staff() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


_STAFF = click.option(
    "--staff",
    default=_default_staff,
    show_default="the OS user",
    metavar="NAME",
    help="Who does this, for the audit trail.",
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
_KEY = click.argument("key", metavar="NUMBER|LOGIN_ID")


def _run(action: Callable, *args, **kwargs):
    """Run a support action in one transaction, turning its refusals into one clear line."""
    try:
        with db.session() as session:
            return action(session, *args, **kwargs)
    except SupportError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from None
    except MailError as error:
        raise click.ClickException(f"the mail could not be sent ({error}); nothing was changed") from None
    except sa.exc.SQLAlchemyError as error:
        first_line = str(error).splitlines()[0]
        hint = "run `mypage db upgrade` first"
        raise click.ClickException(f"the database cannot be used ({first_line}); {hint}") from None


def _staff(name: str) -> str:
    from mypage.operator.support import staff_name

    try:
        return staff_name(name)
    except SupportError as error:
        raise click.ClickException(f"--{error.field}: {error.message}") from None


def _echo_json(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


# --- account ------------------------------------------------------------------------------------


@click.group("account")
def account_group() -> None:
    """A subscriber's MyPage account, for the support desk (found by customer number or login ID)."""


@account_group.command("show")
@_KEY
@_STAFF
@_JSON
def account_show(key: str, staff: str, as_json: bool) -> None:
    """Status, e-mail, pending verification or change, lock and failures, last login, live sessions."""
    from mypage.operator.support import show

    info = _run(show, key, _staff(staff))
    if as_json:
        _echo_json(info)
        return
    labels = {
        "customer_number": "お客様番号",
        "name": "お名前",
        "login_id": "ログインID",
        "status": "状態",
        "email": "メールアドレス",
        "pending_verification": "確認メールの認証待ち",
        "pending_email": "変更待ちのメールアドレス",
        "failed_logins": "続けて失敗したログイン",
        "lockouts": "ロック回数",
        "locked_until": "ロック解除予定",
        "last_login_at": "最終ログイン",
        "created_at": "登録日時",
        "verified_at": "認証日時",
    }
    for field, label in labels.items():
        value = info[field]
        shown = "はい" if value is True else "いいえ" if value is False else "-" if value is None else value
        click.echo(f"{label}: {shown}")
    click.echo(f"ログイン中の端末: {len(info['sessions'])}")
    for row in info["sessions"]:
        click.echo(f"  {row['last_seen_at']}  {row['ip'] or '-'}  {row['user_agent'] or '-'}")


@account_group.command("unlock")
@_KEY
@_STAFF
@_JSON
def account_unlock(key: str, staff: str, as_json: bool) -> None:
    """Lift a login lock (and forget the failed logins before it)."""
    from mypage.operator.support import unlock

    done = _run(unlock, key, _staff(staff))
    if as_json:
        _echo_json(done)
    elif done["was_locked"]:
        click.echo(f"{done['login_id']} is unlocked")
    else:
        click.echo(f"{done['login_id']} was not locked; its failed logins are forgotten")


@account_group.command("resend-verification")
@_KEY
@_STAFF
@_JSON
def account_resend_verification(key: str, staff: str, as_json: bool) -> None:
    """Mail a pending account a new verification link."""
    from mypage.operator.support import resend_verification

    done = _run(resend_verification, key, _staff(staff))
    if as_json:
        _echo_json(done)
    else:
        click.echo(f"a new verification link was mailed to {done['email']}")


@account_group.command("end-sessions")
@_KEY
@_STAFF
@_JSON
def account_end_sessions(key: str, staff: str, as_json: bool) -> None:
    """Sign the account out on every device."""
    from mypage.operator.support import end_sessions

    done = _run(end_sessions, key, _staff(staff))
    if as_json:
        _echo_json(done)
    else:
        click.echo(f"{done['ended']} session(s) of {done['login_id']} ended")


# --- notices ------------------------------------------------------------------------------------


@click.command("list")
@_JSON
def notice_list(as_json: bool) -> None:
    """Every notice with its id, audience, window and whether subscribers see it now."""
    from mypage.operator.notice_desk import notice_list as listed

    notices = _run(listed)
    if as_json:
        _echo_json({"notices": notices})
        return
    states = {"shown": "掲載中", "upcoming": "掲載前", "ended": "終了"}
    for notice in notices:
        audience = notice["customer_number"] or "全員"
        window = f"{notice['starts_at'][:10]}〜{(notice['ends_at'] or '')[:10]}"
        click.echo(f"{notice['id']}\t{states[notice['state']]}\t{audience}\t{window}\t{notice['title']}")
    if not notices:
        click.echo("no notices", err=True)


@click.command("withdraw")
@click.argument("notice_id", metavar="ID")
@_STAFF
@_JSON
def notice_withdraw(notice_id: str, staff: str, as_json: bool) -> None:
    """End a notice now, so that no subscriber sees it again."""
    from mypage.operator.notice_desk import withdraw

    done = _run(withdraw, notice_id, _staff(staff))
    if as_json:
        _echo_json(done)
    else:
        click.echo(f"notice {done['id']} ({done['title']}) is withdrawn")


# --- audit --------------------------------------------------------------------------------------


@click.group("audit")
def audit_group() -> None:
    """The audit trail of security and staff events."""


@audit_group.command("export")
@click.option("--customer", default="", metavar="NUMBER", help="Only events about this customer.")
@click.option("--since", default="", metavar="YYYY-MM-DD", help="Only events from this day (Japan) on.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@_STAFF
def audit_export(customer: str, since: str, fmt: str, staff: str) -> None:
    """Print the audit trail, oldest first, to standard output (the export is recorded too)."""
    from mypage.operator.audit_export import export

    name = _staff(staff)

    def write(session, **kwargs) -> None:
        for chunk in export(session, name, **kwargs):
            click.echo(chunk, nl=False)

    _run(write, customer=customer, since=since, fmt=fmt)
