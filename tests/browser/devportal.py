"""A development build of the portal for the product team's pages (/dev/mail, /dev/gallery).

The session's portal runs with MYPAGE_ENV=test and a real SMTP server, where those pages do
not exist. This one runs with MYPAGE_ENV=development and no SMTP host, so mail goes to its
outbox as under `make run`. It is built from a copy of the checkout, so that the two builds
keep their own frontends.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.support import ROOT, App, running_portal
from tests.support import TMP, free_port

COPIED = ("mypage", "assets", "alembic", "alembic.ini", "rxconfig.py", "reflex.lock")


def copy_checkout(tree: Path) -> Path:
    """What a build needs of the checkout, copied into tree (bun shared by a link)."""
    tree.mkdir()
    for name in COPIED:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tree / name)
    (tree / ".tools").symlink_to(ROOT / ".tools")
    return tree


def cli(tree: Path, env: dict[str, str], *args: str) -> str:
    """`mypage ARGS…` in the tree; fails the test on a non-zero exit; returns its output."""
    done = subprocess.run(
        [sys.executable, "-m", "mypage.operator.cli", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def dev_app() -> App:
    """The portal as `make run` serves it (development, outbox mail), with demo data."""
    tree = copy_checkout(TMP / "dev")
    port = free_port()
    url = f"http://localhost:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MYPAGE_SMTP_")},
        "PATH": f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "MYPAGE_ENV": "development",
        "MYPAGE_DATABASE_URL": f"sqlite:///{TMP / 'dev.db'}",
        "MYPAGE_CAPTCHA_TEST_MODE": "1",
        "MYPAGE_BCRYPT_ROUNDS": "4",
        "MYPAGE_OUTBOX_DIR": str(TMP / "dev-outbox"),
        "MYPAGE_BASE_URL": url,
        "PORT": str(port),
    }
    cli(tree, env, "db", "upgrade")
    demo = json.loads(cli(tree, env, "demo", "--json"))
    with running_portal(tree, env, port, TMP / "dev.log"):
        yield App(url, env, demo)
