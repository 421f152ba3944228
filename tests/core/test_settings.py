"""Every rule of mypage/settings.py, through load() with an explicit environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from mypage import settings as settings_module
from mypage.settings import ROOT, Branding, SettingsError, get_settings, load
from tests.support import PRODUCTION

SECRET = "s" * 32


@pytest.fixture(autouse=True)
def secrets_file(tmp_path, monkeypatch) -> Path:
    """Where load() keeps generated development secrets in these tests (never the checkout's var/)."""
    path = tmp_path / "var" / "secrets.json"
    monkeypatch.setattr(settings_module, "SECRETS_FILE", path)
    return path


def refused(environ: dict[str, str], variable: str) -> str:
    with pytest.raises(SettingsError) as caught:
        load(environ)
    message = str(caught.value)
    assert variable in message
    assert "\n" not in message
    return message


def test_defaults_are_development_with_aomori_cable_tv():
    settings = load({})
    assert settings.env == "development"
    assert not settings.is_production
    assert settings.database_url == f"sqlite:///{ROOT / 'var' / 'mypage.db'}"
    assert settings.redis_url is None
    assert settings.base_url == "http://localhost:3000"
    assert settings.origin == "http://localhost:3000"
    assert not settings.is_https
    assert len(settings.secret_key) >= 32 and settings.secret_key not in Path(settings_module.__file__).read_text()
    assert settings.smtp_host is None
    assert settings.smtp_port == 25
    assert settings.smtp_user is None and settings.smtp_password is None
    assert settings.smtp_starttls is False
    assert "actv.ne.jp" in settings.mail_from
    assert settings.mail_reply_to == "support@actv.ne.jp"
    assert settings.outbox_dir == ROOT / "var" / "outbox"
    assert settings.bcrypt_rounds == 12
    assert settings.captcha_test_mode is False
    assert settings.port == 3000
    assert (settings.password_min, settings.password_max) == (6, 50)
    assert (settings.session_idle_minutes, settings.session_absolute_hours) == (30, 12)
    assert settings.trusted_proxies == ()
    assert settings.branding == Branding()
    assert settings.branding.name == "青森ケーブルテレビ"
    assert settings.branding.phone == "0120-442-208"
    assert settings.branding.hours == "9:00~17:30"


def test_blank_values_count_as_unset():
    settings = load({"MYPAGE_ENV": "  ", "PORT": "", "MYPAGE_SMTP_HOST": " ", "MYPAGE_SECRET_KEY": ""})
    assert settings.env == "development"
    assert settings.port == 3000
    assert settings.smtp_host is None
    assert settings.secret_key == load({}).secret_key


@pytest.mark.parametrize("env", ["development", "test", "production"])
def test_known_environments(env):
    extra = PRODUCTION if env == "production" else {}
    settings = load({**extra, "MYPAGE_ENV": env})
    assert settings.env == env
    assert settings.is_production == (env == "production")


@pytest.mark.parametrize("env", ["staging", "prod", "Production", "dev"])
def test_unknown_environment_is_refused(env):
    message = refused({"MYPAGE_ENV": env}, "MYPAGE_ENV")
    assert repr(env) in message


def test_every_value_is_read():
    settings = load(
        {
            "MYPAGE_ENV": "test",
            "MYPAGE_DATABASE_URL": "postgresql+psycopg://u:p@db.example.jp/mypage",
            "MYPAGE_REDIS_URL": "rediss://cache.example.jp:6380/0",
            "MYPAGE_BASE_URL": "https://mypage.example.jp/",
            "MYPAGE_SECRET_KEY": SECRET,
            "MYPAGE_SMTP_HOST": "smtp.example.jp",
            "MYPAGE_SMTP_PORT": "587",
            "MYPAGE_SMTP_USER": "mailer",
            "MYPAGE_SMTP_PASSWORD": "pw",
            "MYPAGE_SMTP_STARTTLS": "yes",
            "MYPAGE_MAIL_FROM": "Example <no-reply@example.jp>",
            "MYPAGE_MAIL_REPLY_TO": "help@example.jp",
            "MYPAGE_OUTBOX_DIR": "/tmp/outbox-here",
            "MYPAGE_BCRYPT_ROUNDS": "4",
            "MYPAGE_CAPTCHA_TEST_MODE": "true",
            "PORT": "8080",
            "MYPAGE_PASSWORD_MIN": "8",
            "MYPAGE_PASSWORD_MAX": "64",
            "MYPAGE_SESSION_IDLE_MINUTES": "15",
            "MYPAGE_SESSION_ABSOLUTE_HOURS": "24",
            "MYPAGE_TRUSTED_PROXIES": " 10.0.0.1, ,10.0.0.2 ",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u:p@db.example.jp/mypage"
    assert settings.redis_url == "rediss://cache.example.jp:6380/0"
    assert settings.base_url == "https://mypage.example.jp"
    assert settings.origin == "https://mypage.example.jp"
    assert settings.is_https
    assert settings.secret_key == SECRET
    assert (settings.smtp_host, settings.smtp_port) == ("smtp.example.jp", 587)
    assert (settings.smtp_user, settings.smtp_password, settings.smtp_starttls) == ("mailer", "pw", True)
    assert settings.mail_from == "Example <no-reply@example.jp>"
    assert settings.mail_reply_to == "help@example.jp"
    assert settings.outbox_dir == Path("/tmp/outbox-here")
    assert settings.bcrypt_rounds == 4
    assert settings.captcha_test_mode is True
    assert settings.port == 8080
    assert (settings.password_min, settings.password_max) == (8, 64)
    assert (settings.session_idle_minutes, settings.session_absolute_hours) == (15, 24)
    assert settings.trusted_proxies == ("10.0.0.1", "10.0.0.2")


def test_base_url_follows_port_when_unset():
    assert load({"PORT": "3100"}).base_url == "http://localhost:3100"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MYPAGE_DATABASE_URL", "mysql://u@h/db"),
        ("MYPAGE_DATABASE_URL", "just-a-name"),
        ("MYPAGE_DATABASE_URL", "sqlite:"),
        ("MYPAGE_REDIS_URL", "http://cache:6379"),
        ("MYPAGE_REDIS_URL", "localhost:6379"),
        ("MYPAGE_BASE_URL", "ftp://mypage.example.jp"),
        ("MYPAGE_BASE_URL", "mypage.example.jp"),
    ],
)
def test_bad_urls_are_refused(variable, value):
    message = refused({variable: value}, variable)
    assert repr(value) in message


@pytest.mark.parametrize("url", ["sqlite:///var/x.db", "sqlite:////tmp/x.db", "postgresql://h/db"])
def test_good_database_urls(url):
    assert load({"MYPAGE_DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize("secret", [None, "", "short", "x" * 31])
def test_production_needs_a_long_secret(secret):
    environ = {"MYPAGE_ENV": "production"}
    if secret is not None:
        environ["MYPAGE_SECRET_KEY"] = secret
    refused(environ, "MYPAGE_SECRET_KEY")


def test_production_with_a_secret_starts():
    settings = load({**PRODUCTION, "MYPAGE_SECRET_KEY": SECRET, "MYPAGE_PAYMENT_GATEWAY_SECRET": "g" * 32})
    assert settings.secret_key == SECRET
    assert settings.payment_gateway_secret == "g" * 32
    assert settings.captcha_test_mode is False


def test_short_secret_is_fine_outside_production():
    assert load({"MYPAGE_ENV": "test", "MYPAGE_SECRET_KEY": "short"}).secret_key == "short"


@pytest.mark.parametrize("flag", ["1", "true", "yes", "on", "TRUE"])
def test_captcha_test_mode_is_refused_in_production(flag):
    environ = {"MYPAGE_ENV": "production", "MYPAGE_SECRET_KEY": SECRET, "MYPAGE_CAPTCHA_TEST_MODE": flag}
    refused(environ, "MYPAGE_CAPTCHA_TEST_MODE")


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("on", True), ("0", False), ("off", False), ("no", False)])
def test_flags(raw, value):
    settings = load({"MYPAGE_CAPTCHA_TEST_MODE": raw, "MYPAGE_SMTP_STARTTLS": raw})
    assert settings.captcha_test_mode is value
    assert settings.smtp_starttls is value


@pytest.mark.parametrize("variable", ["MYPAGE_CAPTCHA_TEST_MODE", "MYPAGE_SMTP_STARTTLS"])
def test_bad_flags_are_refused(variable):
    refused({variable: "maybe"}, variable)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "0"),
        ("PORT", "65536"),
        ("PORT", "30.5"),
        ("MYPAGE_SMTP_PORT", "-25"),
        ("MYPAGE_SMTP_PORT", "smtp"),
        ("MYPAGE_BCRYPT_ROUNDS", "3"),
        ("MYPAGE_BCRYPT_ROUNDS", "17"),
        ("MYPAGE_PASSWORD_MIN", "2"),
        ("MYPAGE_PASSWORD_MIN", "129"),
        ("MYPAGE_SESSION_IDLE_MINUTES", "0"),
        ("MYPAGE_SESSION_ABSOLUTE_HOURS", "721"),
    ],
)
def test_bad_integers_are_refused(variable, value):
    refused({variable: value}, variable)


def test_password_max_cannot_be_below_min():
    refused({"MYPAGE_PASSWORD_MIN": "10", "MYPAGE_PASSWORD_MAX": "8"}, "MYPAGE_PASSWORD_MAX")


def test_integer_bounds_are_inclusive():
    settings = load({"PORT": "65535", "MYPAGE_BCRYPT_ROUNDS": "16", "MYPAGE_SMTP_PORT": "1"})
    assert (settings.port, settings.bcrypt_rounds, settings.smtp_port) == (65535, 16, 1)


def test_branding_comes_from_operator_variables():
    settings = load(
        {
            "MYPAGE_OPERATOR_NAME": "八戸ケーブルテレビ",
            "MYPAGE_OPERATOR_PHONE": "0120-000-000",
            "MYPAGE_OPERATOR_HOURS": "10:00~18:00",
            "MYPAGE_OPERATOR_MAIL_DOMAIN": "example.jp",
            "MYPAGE_OPERATOR_REGISTRATION_NUMBER": "T9876543210987",
            "MYPAGE_OPERATOR_PRIMARY_COLOR": "#112233",
            "MYPAGE_OPERATOR_ACCENT_COLOR": "#AABBCC",
            "MYPAGE_OPERATOR_LOGO": "/other.svg",
        }
    )
    brand = settings.branding
    assert brand.name == "八戸ケーブルテレビ"
    assert (brand.phone, brand.hours, brand.mail_domain) == ("0120-000-000", "10:00~18:00", "example.jp")
    assert brand.registration_number == "T9876543210987"
    assert (brand.primary_color, brand.accent_color, brand.logo) == ("#112233", "#AABBCC", "/other.svg")
    assert brand.portal_name == Branding().portal_name


@pytest.mark.parametrize(
    "number", ["1234567890123", "T123456789012", "T12345678901234", "t1234567890123", "TX234567890123"]
)
def test_registration_number_must_be_t_and_13_digits(number):
    refused({"MYPAGE_OPERATOR_REGISTRATION_NUMBER": number}, "MYPAGE_OPERATOR_REGISTRATION_NUMBER")


@pytest.mark.parametrize("variable", ["MYPAGE_OPERATOR_PRIMARY_COLOR", "MYPAGE_OPERATOR_ACCENT_COLOR"])
@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "0b5cab", "#zzzzzz"])
def test_colours_must_be_hex(variable, colour):
    refused({variable: colour}, variable)


def test_get_settings_reads_the_process_environment_once(monkeypatch):
    get_settings.cache_clear()
    try:
        monkeypatch.setenv("MYPAGE_OPERATOR_NAME", "テスト放送")
        first = get_settings()
        assert first.branding.name == "テスト放送"
        monkeypatch.setenv("MYPAGE_OPERATOR_NAME", "別の名前")
        assert get_settings() is first
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert get_settings().branding.name == Branding().name


def test_load_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("MYPAGE_ENV", "staging")
    with pytest.raises(SettingsError, match="MYPAGE_ENV"):
        settings_module.load()


def test_payment_gateway_defaults_and_values():
    settings = load({})
    assert settings.payment_gateway_url == "http://localhost:3001"
    assert settings.payment_gateway_origin == "http://localhost:3001"
    settings = load(
        {"MYPAGE_PAYMENT_GATEWAY_URL": "https://pay.example.jp/hosted/", "MYPAGE_PAYMENT_GATEWAY_SECRET": "shh"}
    )
    assert settings.payment_gateway_url == "https://pay.example.jp/hosted"
    assert settings.payment_gateway_origin == "https://pay.example.jp"
    assert settings.payment_gateway_secret == "shh"


def test_bad_payment_gateway_url_is_refused():
    refused({"MYPAGE_PAYMENT_GATEWAY_URL": "ftp://pay.example.jp"}, "MYPAGE_PAYMENT_GATEWAY_URL")


def test_production_needs_a_long_gateway_secret():
    environ = {"MYPAGE_ENV": "production", "MYPAGE_SECRET_KEY": SECRET, "MYPAGE_PAYMENT_GATEWAY_SECRET": "x" * 31}
    refused(environ, "MYPAGE_PAYMENT_GATEWAY_SECRET")


def test_production_never_uses_a_development_gateway_secret():
    environ = {key: value for key, value in PRODUCTION.items() if key != "MYPAGE_PAYMENT_GATEWAY_SECRET"}
    refused(environ, "MYPAGE_PAYMENT_GATEWAY_SECRET")


# --- no secret from the source; production-safe settings (issue 9) -------------------------------


def test_development_secrets_are_generated_once_and_owner_only(secrets_file):
    first = load({})
    mode = secrets_file.stat().st_mode & 0o777
    assert mode == 0o600
    assert len(first.secret_key) >= 32 and len(first.payment_gateway_secret) >= 32
    assert first.secret_key != first.payment_gateway_secret
    again = load({"MYPAGE_ENV": "test"})
    assert (again.secret_key, again.payment_gateway_secret) == (first.secret_key, first.payment_gateway_secret)
    # A set value wins; the file is left alone.
    assert load({"MYPAGE_SECRET_KEY": "mine"}).secret_key == "mine"


def test_the_secrets_file_can_be_elsewhere(tmp_path, secrets_file):
    elsewhere = tmp_path / "other" / "s.json"
    assert load({"MYPAGE_SECRETS_FILE": str(elsewhere)}).secret_key != load({}).secret_key
    assert elsewhere.stat().st_mode & 0o777 == 0o600


def test_a_broken_secrets_file_is_named(secrets_file):
    secrets_file.parent.mkdir(parents=True)
    secrets_file.write_text("{}")
    refused({}, "MYPAGE_SECRETS_FILE")


def test_production_never_generates_secrets(secrets_file):
    load(PRODUCTION)
    assert not secrets_file.exists()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MYPAGE_SECRET_KEY", None),
        ("MYPAGE_SECRET_KEY", "x" * 31),
        ("MYPAGE_PAYMENT_GATEWAY_SECRET", None),
        ("MYPAGE_PAYMENT_GATEWAY_SECRET", "g" * 31),
        ("MYPAGE_BASE_URL", "http://mypage.example-cable.jp"),
        ("MYPAGE_BASE_URL", "http://10.0.0.5:3000"),
        ("MYPAGE_OPERATOR_NAME", None),
        ("MYPAGE_OPERATOR_NAME", Branding().name),
        ("MYPAGE_OPERATOR_ADDRESS", None),
        ("MYPAGE_OPERATOR_ADDRESS", Branding().address),
        ("MYPAGE_MAIL_FROM", None),
        ("MYPAGE_MAIL_FROM", settings_module.Settings.mail_from),
        ("MYPAGE_OPERATOR_REGISTRATION_NUMBER", None),
        ("MYPAGE_OPERATOR_REGISTRATION_NUMBER", Branding().registration_number),
        ("MYPAGE_OPERATOR_REGISTRATION_NUMBER", "T1000012050002"),
    ],
)
def test_production_refuses_each_unsafe_setting(variable, value):
    environ = dict(PRODUCTION)
    environ.pop(variable)
    if value is not None:
        environ[variable] = value
    refused(environ, variable)


@pytest.mark.parametrize("url", ["http://localhost:3000", "http://127.0.0.1:8000", "https://mypage.example-cable.jp"])
def test_production_accepts_https_or_local_http(url):
    settings = load({**PRODUCTION, "MYPAGE_BASE_URL": url})
    assert settings.base_url == url and settings.branding.name == "八戸ケーブル"


@pytest.mark.parametrize(
    ("number", "ok"),
    [("7000012050002", True), ("5010401067252", True), ("1000012050002", False), ("123456789012", False)],
)
def test_corporate_number_check_digit(number, ok):
    assert settings_module.corporate_number_ok(number) is ok
