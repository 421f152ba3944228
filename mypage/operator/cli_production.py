"""The `mypage` commands of the production launch: serve, worker, build, nginx-site, purge.

They are registered on the main group by mypage.operator.cli.
"""

from __future__ import annotations

from pathlib import Path

import click

from mypage import db
from mypage.settings import get_settings


def register(main: click.Group) -> None:
    """Add this module's commands to the `mypage` group."""
    for command in (serve, worker, build, nginx_site, purge):
        main.add_command(command)


@click.command("serve")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Backend workers (MYPAGE_WORKERS).")
@click.option("--no-build", is_flag=True, help="Serve the frontend already in MYPAGE_STATIC_DIR.")
def serve(workers: int | None, no_build: bool) -> None:
    """Production launch: migrate, build the frontend, run the backend workers (until SIGTERM)."""
    from mypage.operator import serve as launch

    settings = get_settings()
    workers = workers or settings.workers
    try:
        launch.check_launch(settings, workers)
    except launch.LaunchRefused as error:
        raise click.ClickException(str(error)) from None
    db.upgrade()
    click.echo("database is up to date", err=True)
    if no_build:
        if not (settings.static_dir / "index.html").exists():
            raise click.ClickException(f"no frontend in {settings.static_dir}: run `mypage build` first")
    else:
        _build(settings.static_dir)
    ports = launch.worker_ports(settings, workers)
    click.echo(
        f"{workers} worker(s) on 127.0.0.1:{ports[0]}–{ports[-1]}; static files in {settings.static_dir}", err=True
    )
    launch.Supervisor(ports).run()


@click.command("worker")
@click.option("--port", type=click.IntRange(1024, 65535), required=True, help="The loopback port of this worker.")
def worker(port: int) -> None:
    """One backend worker on 127.0.0.1:PORT (what each systemd unit runs)."""
    from mypage.operator import serve as launch

    settings = get_settings()
    try:
        launch.check_launch(settings, settings.workers)
    except launch.LaunchRefused as error:
        raise click.ClickException(str(error)) from None
    launch.exec_worker(port)


def _build(static_dir: Path) -> None:
    from mypage.operator import serve as launch

    click.echo("building the frontend (a few minutes)…", err=True)
    try:
        launch.build_frontend(static_dir)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"frontend built into {static_dir}", err=True)


@click.command("build")
def build() -> None:
    """Build the frontend into MYPAGE_STATIC_DIR (with this environment's MYPAGE_BASE_URL)."""
    _build(get_settings().static_dir)


@click.command("nginx-site")
@click.option("--cert", required=True, help="TLS certificate (full chain), e.g. /etc/letsencrypt/live/…/fullchain.pem.")
@click.option("--key", required=True, help="Its private key.")
@click.option("--listen", default="443", show_default=True, help="nginx's listen address for TLS.")
@click.option("--http-listen", default="80", show_default=True, help="Where plain HTTP is redirected to https.")
@click.option("--access-log", default="/var/log/nginx/mypage.access.log", show_default=True)
def nginx_site(cert: str, key: str, listen: str, http_listen: str, access_log: str) -> None:
    """Print the nginx site for these settings (deploy/nginx/mypage.conf filled in)."""
    from mypage.operator.deploy import NginxSite, render_nginx

    site = NginxSite(cert=cert, key=key, listen=listen, http_listen=http_listen, access_log=access_log)
    try:
        click.echo(render_nginx(get_settings(), site), nl=False)
    except ValueError as error:
        raise click.ClickException(str(error)) from None


@click.command("purge")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def purge(as_json: bool) -> None:
    """Remove expired sessions, tokens and CAPTCHAs, and audit rows past MYPAGE_AUDIT_RETENTION_DAYS."""
    import json

    import sqlalchemy as sa

    from mypage.operator.purge import purge as run_purge

    try:
        with db.session() as session:
            purged = run_purge(session)
    except sa.exc.SQLAlchemyError as error:
        first_line = str(error).splitlines()[0]
        raise click.ClickException(
            f"the database cannot be used ({first_line}); run `mypage db upgrade` first"
        ) from None
    if as_json:
        click.echo(json.dumps(purged.as_dict()))
        return
    click.echo(", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in purged.as_dict().items()))
