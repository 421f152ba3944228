"""The database engine and sessions, and the Alembic upgrade that makes the schema."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import sqlalchemy as sa
from sqlmodel import Session

from mypage import privatefiles
from mypage.settings import ROOT, get_settings


@functools.cache
def engine_for(url: str) -> sa.Engine:
    """One engine per URL; SQLite gets foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        _owner_only(url)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _owner_only(url: str) -> None:
    """A new SQLite file is created 0600 (it holds hashes, addresses and bills)."""
    path = privatefiles.sqlite_path(url)
    if path is not None:
        privatefiles.create_empty(path)


def engine() -> sa.Engine:
    """The engine of the configured database."""
    return engine_for(get_settings().database_url)


@contextlib.contextmanager
def session() -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine(), expire_on_commit=False) as db:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise


def upgrade(url: str | None = None) -> None:
    """Bring the database to the newest migration."""
    from alembic.config import Config

    from alembic import command

    url = url or get_settings().database_url
    if url.startswith("sqlite:///"):
        (ROOT / "var").mkdir(exist_ok=True)
        _owner_only(url)
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
