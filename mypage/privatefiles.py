"""Files that hold secrets, created readable and writable by their owner only (0600).

The SQLite database, outbox mail (reset links), letters (codes) and generated secrets.
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, owner-only; nothing is left behind on failure.

    Raises:
        FileExistsError: The file is already there (it is not overwritten).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def create_empty(path: Path) -> None:
    """Make an empty owner-only file unless it exists (SQLite then keeps its mode for -wal and -shm)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
    except FileExistsError:
        pass


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL, or None (another database, or in memory)."""
    if not url.startswith("sqlite:///"):
        return None
    name = url.removeprefix("sqlite:///").split("?")[0]
    return Path(name) if name and name != ":memory:" else None
