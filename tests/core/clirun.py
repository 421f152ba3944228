"""Running the `mypage` command as operators do, and counting what it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from mypage import db

ROOT = Path(__file__).resolve().parents[2]


def run(database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`mypage ARGS…` in a subprocess with its own database and environment."""
    environ = {**os.environ, "MYPAGE_DATABASE_URL": database_url, **env}
    return subprocess.run(
        [sys.executable, "-m", "mypage.operator.cli", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def counts(database_url: str) -> dict[str, int]:
    """The number of rows of every table."""
    with Session(db.engine_for(database_url)) as session:
        return {
            name: session.exec(sa.select(sa.func.count()).select_from(table)).one()[0]
            for name, table in SQLModel.metadata.tables.items()
        }
