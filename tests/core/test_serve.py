"""The production launch without a build: what it refuses, the workers' ports and environment, restarts."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from mypage.operator import serve
from mypage.settings import default_workers, load
from tests import support
from tests.core.clirun import run

PRODUCTION = {
    **support.PRODUCTION,
    "MYPAGE_REDIS_URL": "redis://127.0.0.1:6379/0",
    "MYPAGE_DATABASE_URL": "postgresql+psycopg://mypage@127.0.0.1/mypage",
}


def test_the_launch_is_for_production_with_redis_and_postgres_for_several_workers():
    serve.check_launch(load(PRODUCTION), 4)
    serve.check_launch(load({**PRODUCTION, "MYPAGE_REDIS_URL": "", "MYPAGE_DATABASE_URL": ""}), 1)
    with pytest.raises(serve.LaunchRefused, match="MYPAGE_ENV=production"):
        serve.check_launch(load({}), 1)
    with pytest.raises(serve.LaunchRefused, match="MYPAGE_REDIS_URL"):
        serve.check_launch(load({**PRODUCTION, "MYPAGE_REDIS_URL": ""}), 2)
    with pytest.raises(serve.LaunchRefused, match="PostgreSQL"):
        serve.check_launch(load({**PRODUCTION, "MYPAGE_DATABASE_URL": "sqlite:///x.db"}), 2)


def test_workers_default_to_the_cpu_count_and_take_consecutive_loopback_ports():
    assert load({}).workers == default_workers() >= 1
    settings = load({"MYPAGE_WORKERS": "3", "MYPAGE_WORKER_PORT": "9001"})
    assert serve.worker_ports(settings) == [9001, 9002, 9003]
    command = serve.worker_command(9002)
    assert command[-4:] == ["--backend-host", "127.0.0.1", "--backend-port", "9002"] and "--backend-only" in command
    env = serve.worker_env(9002, settings=load({"MYPAGE_LOG_FORMAT": "json"}))
    assert env["GRANIAN_WORKERS"] == "1" and env["MYPAGE_WORKER_ID"] == "9002" and env["REFLEX_LOG_JSON"] == "1"
    assert "REFLEX_LOG_JSON" not in serve.worker_env(9002, settings=load({}))
    for bad in ({"MYPAGE_WORKERS": "0"}, {"MYPAGE_WORKERS": "lots"}, {"MYPAGE_WORKER_PORT": "80"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            load(bad)


def test_the_command_refuses_outside_production_and_writes_nothing(database_url: str):
    done = run(database_url, "serve", "--no-build")
    assert done.returncode == 1 and "MYPAGE_ENV=production" in done.stderr
    done = run(database_url, "worker", "--port", "8001")
    assert done.returncode == 1 and "MYPAGE_ENV=production" in done.stderr


def test_the_supervisor_restarts_a_worker_that_dies_and_stops_them_all(monkeypatch):
    # Stand-in workers: one that dies at once, one that runs until stopped.
    commands = {
        1: [sys.executable, "-c", "raise SystemExit(3)"],
        2: [sys.executable, "-c", "import time; time.sleep(60)"],
    }
    monkeypatch.setattr(serve, "worker_command", lambda port: commands[port])
    monkeypatch.setattr(serve, "RESTART_DELAY", 0.1)
    lines: list[str] = []
    supervisor = serve.Supervisor([1, 2], echo=lines.append)
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)  # not the main thread
    thread = threading.Thread(target=supervisor.run)
    thread.start()
    deadline = time.monotonic() + 30
    while sum("127.0.0.1:1 exited with 3" in line for line in lines) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    supervisor.stop()
    thread.join(timeout=40)
    assert not thread.is_alive()
    assert sum("127.0.0.1:1 exited with 3" in line for line in lines) >= 2
    assert sum("127.0.0.1:2 started" in line for line in lines) == 1
    assert lines[-1] == "all workers stopped"
    assert all(w.process.poll() is not None for w in supervisor.workers)
