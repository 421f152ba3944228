"""The files of deploy/ that need no running stack: the env template, the systemd units, the nginx template."""

from __future__ import annotations

import configparser
import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mypage.operator.deploy import NginxSite, render_nginx
from mypage.settings import Branding, load
from tests.browser.support import ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them."""
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_the_env_template_lists_every_setting_and_makes_a_production_config():
    source = (ROOT / "mypage" / "settings.py").read_text()
    names = set(re.findall(r'"(MYPAGE_[A-Z_]+[A-Z])"', source))
    names |= {f"MYPAGE_OPERATOR_{f.name.upper()}" for f in dataclasses.fields(Branding)}
    template = (DEPLOY / "mypage.env").read_text()
    listed = set(re.findall(r"^#?(MYPAGE_[A-Z_]+)=", template, re.MULTILINE))
    assert names - listed == set(), "settings missing from deploy/mypage.env"
    assert listed - names == set(), "deploy/mypage.env lists settings nobody reads"
    settings = load(env_file(DEPLOY / "mypage.env"))
    assert settings.is_production and settings.is_https and settings.workers == 2
    assert settings.log_format == "json" and settings.trusted_proxies == ("127.0.0.1", "::1")


def test_mypage_env_reads_the_file_as_systemd_does(tmp_path: Path):
    done = subprocess.run(
        [DEPLOY / "mypage-env", DEPLOY / "mypage.env", sys.executable, "-c",
         "import os; print(os.environ['MYPAGE_MAIL_FROM']); print(os.environ['MYPAGE_OPERATOR_PRIMARY_COLOR'])"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["八戸ケーブル マイページ <mypage@example-cable.jp>", "#0b5cab"]
    bad = tmp_path / "bad.env"
    bad.write_text("MYPAGE_ENV=production\nnot a setting\n")
    refused = subprocess.run([DEPLOY / "mypage-env", bad, "true"], capture_output=True, text=True, check=False)
    assert refused.returncode == 1 and "not a setting" in refused.stderr


def installed_units(folder: Path) -> list[Path]:
    """The units as installed on a machine whose checkout is this one (paths replaced)."""
    paths = []
    for unit in UNITS:
        text = (
            unit.read_text()
            .replace("/srv/mypage", str(ROOT))
            .replace("/etc/mypage/mypage.env", str(DEPLOY / "mypage.env"))
        )
        name = unit.name.replace("@.service", "@8001.service")
        (folder / name).write_text(text)
        paths.append(folder / name)
    return paths


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path):
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *installed_units(tmp_path)],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_the_units_run_the_launchs_commands_and_the_timer_runs_purge_daily():
    assert unit("mypage-worker@.service")["Service"]["ExecStart"].endswith("mypage worker --port %i")
    assert unit("mypage-worker@.service")["Service"]["Restart"] == "always"
    assert unit("mypage-migrate.service")["Service"]["ExecStart"].endswith("mypage db upgrade")
    assert unit("mypage-purge.service")["Service"]["ExecStart"].endswith("mypage purge")
    timer = unit("mypage-purge.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 03:30:00" and timer["Unit"] == "mypage-purge.service"
    for name in ("mypage-worker@.service", "mypage-migrate.service", "mypage-purge.service"):
        assert unit(name)["Service"]["EnvironmentFile"] == "/etc/mypage/mypage.env"


def test_nginx_site_needs_https_and_clean_values():
    settings = load(env_file(DEPLOY / "mypage.env"))
    site = render_nginx(settings, NginxSite(cert="/c.pem", key="/k.pem"))
    assert not re.search(r"@[A-Z_]+@", site)
    assert "server 127.0.0.1:8001 " in site and "server 127.0.0.1:8002 " in site
    assert "connect-src 'self' wss://mypage.example.jp" in site
    with pytest.raises(ValueError, match="https"):
        render_nginx(load({"MYPAGE_BASE_URL": "http://mypage.example.jp"}), NginxSite(cert="/c", key="/k"))
    with pytest.raises(ValueError, match="--cert"):
        render_nginx(settings, NginxSite(cert="/c.pem; evil", key="/k.pem"))


def test_the_nginx_site_command_prints_the_site_or_one_clear_line():
    env = {**env_file(DEPLOY / "mypage.env"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "mypage.operator.cli", "nginx-site", "--cert", "/c.pem", "--key", "/k.pem"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ssl_certificate     /c.pem;" in done.stdout
    env["MYPAGE_BASE_URL"] = "http://mypage.example.jp"
    done = subprocess.run(
        [sys.executable, "-m", "mypage.operator.cli", "nginx-site", "--cert", "/c.pem", "--key", "/k.pem"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and "MYPAGE_BASE_URL" in done.stderr
