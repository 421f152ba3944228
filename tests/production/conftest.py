"""The production stack for the tests of this folder: built once, on PostgreSQL + Redis, behind nginx."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlmodel import Session

from mypage import db
from tests.postgres import postgres_server
from tests.production import stack as st
from tests.redisserver import redis_server
from tests.support import PRODUCTION, TMP, free_port


@dataclass
class Stack:
    """The running production stack."""

    url: str
    env: dict[str, str]
    tree: Path
    ports: list[int]
    launch: st.Launch
    nginx: st.Nginx
    access_log: Path
    database_url: str
    redis_url: str

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of a path, through nginx."""
        return self.url + path

    def db(self) -> Session:
        """A session on the stack's PostgreSQL database."""
        return Session(db.engine_for(self.database_url), expire_on_commit=False)

    def cli(self, *args: str):
        """Run `mypage` with the stack's settings."""
        import subprocess

        return subprocess.run(
            [sys.executable, "-m", "mypage.operator.cli", *args],
            cwd=self.tree,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def wait_healthy(self, timeout: float = 120) -> None:
        """Every worker answers /_health, and nginx serves the login page."""
        for port in self.ports:
            st.wait_for(lambda p=port: st.worker_healthy(p), f"worker {port} healthy", timeout, self.launch.log)
        st.wait_for(lambda: st.https_get(self.url + "/")[0] == 200, "nginx answering", 30, self.nginx.log)

    def upstreams(self, since: int = 0) -> list[str]:
        """The workers nginx sent requests to, from its access log (line `since` on)."""
        lines = self.access_log.read_text().splitlines()[since:] if self.access_log.exists() else []
        return [part.split("=", 1)[1] for line in lines for part in line.split() if part.startswith("upstream=")]


@pytest.fixture(scope="session")
def stack(smtp_server) -> Stack:
    """PostgreSQL, Redis, `mypage serve` with 2 workers (production mode) and nginx from deploy/."""
    folder = TMP / "production"
    tree = st.copy_tree(folder / "tree")
    nginx_dir = folder / "nginx"
    nginx_dir.mkdir()
    cert, key = st.self_signed_certificate(nginx_dir)
    https_port, http_port, first_worker = free_port(), free_port(), st.consecutive_ports(2)
    # Not "localhost": Reflex's client would then drop the port of the websocket's https URL.
    url = f"https://127.0.0.1:{https_port}"
    host, smtp_port, _ = smtp_server
    with postgres_server() as database_url, redis_server() as redis_url:
        env = {k: v for k, v in os.environ.items() if k != "MYPAGE_CAPTCHA_TEST_MODE"}
        env.update(PRODUCTION)  # the operator's own details, as production requires
        env.update(
            MYPAGE_ENV="production",
            MYPAGE_SECRET_KEY=st.SECRET,
            MYPAGE_DATABASE_URL=database_url,
            MYPAGE_REDIS_URL=redis_url,
            MYPAGE_BASE_URL=url,
            MYPAGE_SMTP_HOST=host,
            MYPAGE_SMTP_PORT=str(smtp_port),
            MYPAGE_BCRYPT_ROUNDS="4",
            MYPAGE_TRUSTED_PROXIES="127.0.0.1",
            MYPAGE_WORKERS="2",
            MYPAGE_WORKER_PORT=str(first_worker),
            MYPAGE_STATIC_DIR=str(folder / "static"),
            MYPAGE_OUTBOX_DIR=str(folder / "outbox"),
        )
        access_log = nginx_dir / "access.log"
        site = tree / "nginx-site.conf"
        rendered = __import__("subprocess").run(
            [sys.executable, "-m", "mypage.operator.cli", "nginx-site", "--cert", str(cert), "--key", str(key),
             "--listen", f"127.0.0.1:{https_port}", "--http-listen", f"127.0.0.1:{http_port}",
             "--access-log", str(access_log)],
            cwd=tree, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert rendered.returncode == 0, rendered.stderr
        site.write_text(rendered.stdout)
        launch = st.Launch(tree, env, folder / "serve.log")
        nginx = st.Nginx(st.nginx_main_conf(nginx_dir, site), nginx_dir / "nginx.log")
        running = Stack(
            url, env, tree, [first_worker, first_worker + 1], launch, nginx, access_log, database_url, redis_url
        )
        launch.start()
        try:
            st.wait_for(
                lambda: (folder / "static" / "index.html").exists(), "the build", 900, launch.log, launch.process
            )
            nginx.start()
            running.wait_healthy(timeout=180)
            yield running
        finally:
            nginx.stop()
            launch.stop()


@pytest.fixture
def context(browser: Browser):
    """A browser context that accepts the test certificate; fails the test on a page error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", ignore_https_errors=True)
    context.set_default_timeout(20_000)
    problems: list[str] = []
    context.problems = problems
    yield context
    context.close()


@pytest.fixture
def page(context) -> Page:
    """A fresh tab in its own context."""
    return context.new_page()
