"""A bad setting stops the portal's start with one line that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import PRODUCTION

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MYPAGE_ENV", "staging"),
        ("MYPAGE_BASE_URL", "localhost:3000"),
        ("MYPAGE_CAPTCHA_TEST_MODE", "maybe"),
        ("MYPAGE_BCRYPT_ROUNDS", "twelve"),
        ("MYPAGE_TRUSTED_PROXIES", "10.0.0.l/8"),
    ],
)
def test_bad_setting_stops_the_start(variable, value):
    env = {**os.environ, variable: value}
    done = subprocess.run(
        [sys.executable, "-c", "import rxconfig"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("MyPage cannot start:") and variable in lines[0]


def test_production_needs_a_secret_and_no_captcha_test_mode():
    """Each unsafe production setting: see tests/core/test_settings.py; here the start itself."""
    env = {**os.environ, "MYPAGE_ENV": "production", "MYPAGE_CAPTCHA_TEST_MODE": "0"}
    env.pop("MYPAGE_SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "-c", "import rxconfig"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "MYPAGE_SECRET_KEY" in done.stderr

    env.update(MYPAGE_SECRET_KEY="s" * 40, MYPAGE_CAPTCHA_TEST_MODE="1")
    done = subprocess.run(
        [sys.executable, "-c", "import rxconfig"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "MYPAGE_CAPTCHA_TEST_MODE" in done.stderr


def test_good_settings_make_a_config():
    done = subprocess.run(
        [sys.executable, "-c", "import rxconfig; print(rxconfig.config.app_name)"],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "mypage"


def start(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import rxconfig"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MYPAGE_BASE_URL", "http://mypage.example-cable.jp"),
        ("MYPAGE_PAYMENT_GATEWAY_SECRET", ""),
        ("MYPAGE_OPERATOR_NAME", ""),
        ("MYPAGE_OPERATOR_ADDRESS", ""),
        ("MYPAGE_MAIL_FROM", ""),
        ("MYPAGE_OPERATOR_REGISTRATION_NUMBER", "T1234567890123"),
        ("MYPAGE_OPERATOR_REGISTRATION_NUMBER", "T1000012050002"),
    ],
)
def test_production_start_is_refused_for_each_unsafe_setting(variable, value):
    done = start({**os.environ, **PRODUCTION, variable: value})
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and variable in lines[0], done.stderr


def test_production_starts_with_good_settings():
    done = start({**os.environ, **PRODUCTION})
    assert done.returncode == 0, done.stderr
