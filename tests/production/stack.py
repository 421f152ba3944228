"""The production launch for tests: PostgreSQL, Redis, `mypage serve` with two workers, nginx from deploy/.

Everything runs on loopback in a copy of the checkout (so the browser tests' own build
is left alone); nginx terminates TLS with a certificate made here.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from mypage import db
from tests.browser.support import ROOT
from tests.support import PRODUCTION, free_port

COPIED = ("mypage", "assets", "alembic", "alembic.ini", "rxconfig.py", "reflex.lock", "deploy", "pyproject.toml")
SECRET = "production-tests-secret-key-0123456789abcdef"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def copy_tree(tree: Path) -> Path:
    """The portal's files in a folder of their own, bun shared with the checkout."""
    tree.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tree / name)
    (tree / ".tools").symlink_to(ROOT / ".tools")
    return tree


def consecutive_ports(count: int) -> int:
    """The first of `count` free ports in a row."""
    while True:
        first = free_port()
        if first + count > 65000:
            continue
        try:
            import socket

            socks = []
            for port in range(first, first + count):
                sock = socket.socket()
                sock.bind(("127.0.0.1", port))
                socks.append(sock)
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def nginx_main_conf(folder: Path, site: Path) -> Path:
    """A main nginx.conf like Debian's (mime types, the site inside http {}), with its files in folder."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    sendfile on;\n    access_log off;\n{temp}\n    include {site};\n}}\n"
    )
    return conf


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def https_get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """GET over TLS without checking the self-signed certificate, nor following redirects; (status, headers, body)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(check, what: str, timeout: float, log: Path | None = None, process=None) -> None:
    """Poll check() until it is true; fail with the log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.5)
    tail = log.read_text()[-4000:] if log is not None and log.exists() else ""
    raise AssertionError(f"{what} did not happen within {timeout}s\n{tail}")


def worker_healthy(port: int) -> bool:
    """Whether a worker answers /_health with 200."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_health", timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def established_to(port: int) -> int:
    """How many TCP connections a server on this loopback port holds open (its side of them)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":
                count += 1
    return count


class Launch:
    """`mypage serve` in the background: start, stop, and the pids of its workers."""

    def __init__(self, tree: Path, env: dict[str, str], log: Path) -> None:
        self.tree, self.env, self.log = tree, env, log
        self.process: subprocess.Popen | None = None

    def start(self, *args: str) -> None:
        """Start `mypage serve` with these options."""
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mypage.operator.cli", "serve", *args],
                cwd=self.tree,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def worker_pids(self) -> dict[int, int]:
        """The newest pid of each worker's port, from the supervisor's log lines."""
        found = re.findall(r"worker 127\.0\.0\.1:(\d+) started \(pid (\d+)\)", self.log.read_text())
        return {int(port): int(pid) for port, pid in found}

    def stop(self) -> None:
        """SIGTERM to the supervisor, which stops its workers."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Nginx:
    """nginx with the rendered site, in the foreground of its own process."""

    def __init__(self, conf: Path, log: Path) -> None:
        self.conf, self.log = conf, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Check the configuration, then start nginx."""
        checked = subprocess.run([NGINX, "-t", "-c", str(self.conf)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [NGINX, "-c", str(self.conf)], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        """Stop nginx (SIGQUIT: graceful)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Stack:
    """The running production stack."""

    url: str
    env: dict[str, str]
    tree: Path
    ports: list[int]
    launch: Launch
    nginx: Nginx
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
            wait_for(lambda p=port: worker_healthy(p), f"worker {port} healthy", timeout, self.launch.log)
        wait_for(lambda: https_get(self.url + "/")[0] == 200, "nginx answering", 30, self.nginx.log)

    def upstreams(self, since: int = 0) -> list[str]:
        """The workers nginx sent requests to, from its access log (line `since` on)."""
        lines = self.access_log.read_text().splitlines()[since:] if self.access_log.exists() else []
        return [part.split("=", 1)[1] for line in lines for part in line.split() if part.startswith("upstream=")]


def render_site(tree: Path, env: dict[str, str], nginx_dir: Path, https_port: int, http_port: int) -> Path:
    """`mypage nginx-site` for these settings, with a certificate made here; the nginx.conf that includes it."""
    cert, key = self_signed_certificate(nginx_dir)
    rendered = subprocess.run(
        [sys.executable, "-m", "mypage.operator.cli", "nginx-site", "--cert", str(cert), "--key", str(key),
         "--listen", f"127.0.0.1:{https_port}", "--http-listen", f"127.0.0.1:{http_port}",
         "--access-log", str(nginx_dir / "access.log")],
        cwd=tree, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    site = nginx_dir / "nginx-site.conf"
    site.write_text(rendered.stdout)
    return nginx_main_conf(nginx_dir, site)


def production_env(url: str, database_url: str, redis_url: str, ports: list[int], folder: Path) -> dict[str, str]:
    """The environment of a production launch at url (nginx) with workers on these ports, its files in folder."""
    env = {k: v for k, v in os.environ.items() if k != "MYPAGE_CAPTCHA_TEST_MODE"}
    env.update(PRODUCTION)  # the operator's own details, as production requires
    env.update(
        MYPAGE_ENV="production",
        MYPAGE_SECRET_KEY=SECRET,
        MYPAGE_DATABASE_URL=database_url,
        MYPAGE_REDIS_URL=redis_url,
        MYPAGE_BASE_URL=url,
        MYPAGE_TRUSTED_PROXIES="127.0.0.1",
        MYPAGE_WORKERS=str(len(ports)),
        MYPAGE_WORKER_PORT=str(ports[0]),
        MYPAGE_STATIC_DIR=str(folder / "static"),
        MYPAGE_OUTBOX_DIR=str(folder / "outbox"),
    )
    return env


@contextlib.contextmanager
def production_stack(
    folder: Path,
    database_url: str,
    redis_url: str,
    settings: dict[str, str],
    workers: int = 2,
    serve_args: tuple[str, ...] = (),
    https_port: int | None = None,
) -> Iterator[Stack]:
    """`mypage serve` with `workers` workers (production mode) and nginx from deploy/ in front, until the exit.

    The checkout is copied into folder/tree (once; a second stack in the same folder reuses the
    copy, and with serve_args=("--no-build",) its build too). `settings` are MYPAGE_* values added
    to the production ones (SMTP, bcrypt cost …). The build holds the URL (and so nginx's port):
    give a stack that reuses a build the https_port of the one that made it.
    """
    tree = folder / "tree"
    if not tree.exists():
        copy_tree(tree)
    https_port, http_port, first_worker = https_port or free_port(), free_port(), consecutive_ports(workers)
    # Not "localhost": Reflex's client would then drop the port of the websocket's https URL.
    url = f"https://127.0.0.1:{https_port}"
    env = production_env(url, database_url, redis_url, list(range(first_worker, first_worker + workers)), folder)
    env.update(settings)
    nginx_dir = folder / f"nginx-{first_worker}"
    nginx_dir.mkdir()
    access_log = nginx_dir / "access.log"
    launch = Launch(tree, env, folder / "serve.log")
    nginx = Nginx(render_site(tree, env, nginx_dir, https_port, http_port), nginx_dir / "nginx.log")
    ports = [first_worker + i for i in range(workers)]
    running = Stack(url, env, tree, ports, launch, nginx, access_log, database_url, redis_url)
    launch.start(*serve_args)
    try:
        wait_for(lambda: (folder / "static" / "index.html").exists(), "the build", 900, launch.log, launch.process)
        nginx.start()
        running.wait_healthy(timeout=180)
        yield running
    finally:
        nginx.stop()
        launch.stop()
