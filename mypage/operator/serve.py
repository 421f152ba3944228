"""The production launch: build the frontend once, then run N backend workers.

`mypage serve` (and `make serve`) is for MYPAGE_ENV=production only: no demo data,
no test payment gateway. The frontend is built by `reflex export` into static files
that nginx serves (deploy/nginx/mypage.conf); each backend worker is one Reflex
backend process on its own loopback port (MYPAGE_WORKER_PORT, the next ones after
it), and nginx spreads `/_event` and the portal's HTTP routes over them. Workers
share Reflex's state through Redis (MYPAGE_REDIS_URL), so any worker can answer
any tab, and a tab whose worker dies reconnects to another one without losing what
it holds.

Under systemd each worker is its own unit (deploy/systemd/mypage-worker@.service,
`mypage worker --port N`); `mypage serve` is the same thing supervised in one
process, for a machine without systemd and for the tests.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mypage.settings import ROOT, Settings, get_settings

log = logging.getLogger("mypage.serve")
# How long a worker gets to finish its requests after SIGTERM before SIGKILL.
STOP_TIMEOUT = 20
# A worker that keeps dying is restarted after 1, 2, 4 … up to 30 seconds.
RESTART_DELAY, RESTART_DELAY_MAX = 1.0, 30.0
# A worker that ran this long is healthy again: its next restart waits 1 second.
HEALTHY_AFTER = 60.0
# Prerendering the pages times out now and then on a busy machine: try again.
BUILD_ATTEMPTS = 3


class LaunchRefused(RuntimeError):
    """The settings do not make a production launch."""


def check_launch(settings: Settings, workers: int) -> None:
    """Refuse settings that cannot run in production with this many workers.

    Raises:
        LaunchRefused: With one line saying which variable to set.
    """
    if not settings.is_production:
        raise LaunchRefused("mypage serve is the production launch: set MYPAGE_ENV=production (make run is the demo)")
    if workers > 1 and not settings.redis_url:
        raise LaunchRefused(f"{workers} workers share their state through Redis: set MYPAGE_REDIS_URL")
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise LaunchRefused(f"{workers} workers need PostgreSQL: set MYPAGE_DATABASE_URL=postgresql://…")


def reflex_env(root: Path = ROOT) -> dict[str, str]:
    """The environment Reflex runs in: bun from the checkout's .tools, no telemetry."""
    return {
        **os.environ,
        "PATH": f"{root / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }


def build_frontend(static_dir: Path, root: Path = ROOT) -> Path:
    """Build the frontend with `reflex export` and put it in static_dir (replacing what was there).

    The build bakes MYPAGE_BASE_URL in (the websocket's address), so build with the
    production environment. The new files are copied beside the old folder first
    and swapped in with two renames, so nginx never serves a half-copied tree.

    Returns:
        The static folder.

    Raises:
        RuntimeError: The build failed (its output is in the message).
    """
    command = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"]
    built = root / ".web" / "build" / "client"
    for attempt in range(1, BUILD_ATTEMPTS + 1):
        done = subprocess.run(command, cwd=root, env=reflex_env(root), capture_output=True, text=True, check=False)
        if done.returncode == 0 and (built / "index.html").exists():
            break
        log.warning("the frontend build failed (attempt %d of %d)", attempt, BUILD_ATTEMPTS)
    else:
        raise RuntimeError(f"the frontend build failed:\n{(done.stdout + done.stderr)[-4000:]}")
    static_dir = static_dir.resolve()
    static_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh, old = static_dir.with_name(static_dir.name + ".new"), static_dir.with_name(static_dir.name + ".old")
    for stale in (fresh, old):
        shutil.rmtree(stale, ignore_errors=True)
    shutil.copytree(built, fresh)
    if static_dir.exists():
        static_dir.rename(old)
    fresh.rename(static_dir)
    shutil.rmtree(old, ignore_errors=True)
    return static_dir


def worker_ports(settings: Settings, workers: int | None = None) -> list[int]:
    """The loopback ports of the workers: MYPAGE_WORKER_PORT and the ones after it."""
    return [settings.worker_port + i for i in range(workers or settings.workers)]


def worker_command(port: int) -> list[str]:
    """One backend worker: Reflex's production backend (granian, one process) on a loopback port."""
    return [
        sys.executable,
        "-m",
        "reflex",
        "run",
        "--env",
        "prod",
        "--backend-only",
        "--backend-host",
        "127.0.0.1",
        "--backend-port",
        str(port),
    ]


def worker_env(port: int, root: Path = ROOT, settings: Settings | None = None) -> dict[str, str]:
    """A worker's environment: one granian process, its port in MYPAGE_WORKER_ID for the logs.

    With MYPAGE_LOG_FORMAT=json, Reflex writes its own and granian's lines as JSON objects too.
    """
    env = {**reflex_env(root), "GRANIAN_WORKERS": "1", "MYPAGE_WORKER_ID": str(port)}
    if (settings or get_settings()).log_format == "json":
        env["REFLEX_LOG_JSON"] = "1"
    return env


def exec_worker(port: int, root: Path = ROOT) -> None:
    """Become one worker (for systemd: the unit's main process is the worker itself)."""
    os.chdir(root)
    os.execvpe(sys.executable, worker_command(port), worker_env(port, root))


@dataclass
class Worker:
    """One supervised worker process."""

    port: int
    process: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = field(default=0.0)
    due_at: float | None = None  # when a dead worker is started again


class Supervisor:
    """Runs the workers, restarts one that dies, stops them all on SIGTERM or SIGINT."""

    def __init__(self, ports: list[int], root: Path = ROOT, echo: Callable[[str], None] = log.info) -> None:
        self.workers = [Worker(port) for port in ports]
        self.root = root
        self.echo = echo
        self.stopping = False

    def start(self, worker: Worker) -> None:
        """Start (or restart) one worker in a process group of its own."""
        worker.process = subprocess.Popen(
            worker_command(worker.port), cwd=self.root, env=worker_env(worker.port, self.root), start_new_session=True
        )
        worker.started_at = time.monotonic()
        self.echo(f"worker 127.0.0.1:{worker.port} started (pid {worker.process.pid})")

    def stop(self, *_args) -> None:
        """Stop every worker: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds."""
        self.stopping = True

    def _terminate_all(self) -> None:
        running = [w for w in self.workers if w.process is not None and w.process.poll() is None]
        for worker in running:
            _signal_group(worker.process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for worker in running:
            try:
                worker.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(worker.process, signal.SIGKILL)
                worker.process.wait()
        self.echo("all workers stopped")

    def _check(self, worker: Worker) -> None:
        # Like systemd's Restart=always: the other workers carry the load meanwhile.
        now = time.monotonic()
        if worker.due_at is not None:
            if now >= worker.due_at and not self.stopping:
                worker.due_at = None
                self.start(worker)
            return
        code = worker.process.poll()
        if code is None or self.stopping:
            return
        _signal_group(worker.process, signal.SIGKILL)  # whatever it left behind
        worker.restarts = 0 if now - worker.started_at > HEALTHY_AFTER else worker.restarts + 1
        delay = min(RESTART_DELAY * 2 ** max(0, worker.restarts - 1), RESTART_DELAY_MAX)
        worker.due_at = now + delay
        self.echo(f"worker 127.0.0.1:{worker.port} exited with {code}; restarting in {delay:.0f} s")

    def run(self) -> None:
        """Supervise until SIGTERM or SIGINT."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for worker in self.workers:
            self.start(worker)
        try:
            while not self.stopping:
                for worker in self.workers:
                    self._check(worker)
                time.sleep(0.2)
        finally:
            self._terminate_all()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
