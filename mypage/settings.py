"""Every MYPAGE_* variable, read once, typed and checked at start-up.

Bad values raise SettingsError with one line that names the variable, so that
`make run` stops with a message a person can act on.

No secret comes from the source: without MYPAGE_ENV=production, a secret key and a
gateway secret that are not set are generated on first start and kept in
MYPAGE_SECRETS_FILE (var/secrets.json), readable by its owner only. With
MYPAGE_ENV=production both must be set and long, the base URL must be https (plain
http only for localhost), and the operator's name, address, sender and registration
number must be the operator's own (not the built-in Aomori values), the number with
a valid 法人番号 check digit.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import json
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlparse

from mypage import privatefiles

ENVIRONMENTS = ("development", "test", "production")
# guide: the operator's guide (半角英数 6–50); asvs: ASVS 5.0 level 1 (≥ 8, any printable, ≥ 64 allowed).
PASSWORD_POLICIES = ("guide", "asvs")
ASVS_MIN, ASVS_MAX = 8, 128
ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = ROOT / "var" / "secrets.json"
SECRET_MIN = 32
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class SettingsError(ValueError):
    """A MYPAGE_* variable has a value the portal cannot run with."""


@dataclasses.dataclass(frozen=True)
class Branding:
    """What makes the white-label portal the operator's own."""

    name: str = "青森ケーブルテレビ"
    short_name: str = "ACT"
    portal_name: str = "ACT MyPage"
    phone: str = "0120-442-208"
    hours: str = "9:00~17:30"
    mail_domain: str = "actv.ne.jp"
    registration_number: str = "T1234567890123"
    address: str = "青森県青森市"
    primary_color: str = "#0b5cab"
    accent_color: str = "#e8f1fb"
    logo: str = "/logo.svg"
    paper_fee_note: str = (
        "紙の請求書（ご請求明細）の郵送には、1通につき110円（税込）の発行手数料がかかります。"
        "Web明細にすると、紙の請求書は届かなくなり、この手数料もかかりません。"
    )


@dataclasses.dataclass(frozen=True)
class Settings:
    """The portal's configuration; see DESIGN's environment contract."""

    env: str = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'mypage.db'}"
    redis_url: str | None = None
    base_url: str = "http://localhost:3000"
    secret_key: str = ""
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "青森ケーブルテレビ マイページ <mypage@actv.ne.jp>"
    mail_reply_to: str = "support@actv.ne.jp"
    outbox_dir: Path = ROOT / "var" / "outbox"
    bcrypt_rounds: int = 12
    captcha_test_mode: bool = False
    port: int = 3000
    password_min: int = 6
    password_max: int = 50
    password_policy: str = "guide"
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    trusted_proxies: tuple[str, ...] = ()
    payment_gateway_url: str = "http://localhost:3001"
    payment_gateway_secret: str = ""
    branding: Branding = dataclasses.field(default_factory=Branding)
    # The production launch (`mypage serve`, deploy/): issue 11.
    workers: int = dataclasses.field(default_factory=lambda: default_workers())
    worker_port: int = 8001
    static_dir: Path = ROOT / "var" / "static"
    log_format: str = "text"
    log_level: str = "INFO"
    audit_retention_days: int = 400

    @property
    def is_production(self) -> bool:
        """Whether the portal runs for real subscribers."""
        return self.env == "production"

    @property
    def is_https(self) -> bool:
        """Whether cookies must be Secure and HSTS sent."""
        return self.base_url.startswith("https://")

    @property
    def payment_gateway_origin(self) -> str:
        """The gateway's origin: where the card form is, which the CSP lets the portal go to."""
        parsed = urlparse(self.payment_gateway_url)
        return f"{parsed.scheme}://{parsed.netloc}"

    @property
    def origin(self) -> str:
        """The one origin the websocket and forms accept."""
        parsed = urlparse(self.base_url)
        return f"{parsed.scheme}://{parsed.netloc}"


def default_workers() -> int:
    """Backend workers by default: one per CPU core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _text(environ: dict[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _integer(environ: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _text(environ, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _flag(environ: dict[str, str], name: str) -> bool:
    raw = (_text(environ, name) or "0").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0, not {raw!r}")


def _url(environ: dict[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    raw = _text(environ, name)
    if raw is None:
        return None
    parsed = urlparse(raw)
    scheme = parsed.scheme.split("+")[0]
    if scheme not in schemes or not (parsed.netloc or parsed.path):
        raise SettingsError(f"{name} is not a valid {'/'.join(schemes)} URL: {raw!r}")
    return raw


def _generated_secrets(path: Path) -> dict[str, str]:
    """The development secrets of this checkout: made on first start, kept readable by the owner only."""
    made = {"secret_key": secrets.token_urlsafe(48), "payment_gateway_secret": secrets.token_urlsafe(48)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Exclusive: of two processes starting at once (portal and gateway), one writes, both read.
        privatefiles.write_new(path, json.dumps(made).encode())
    except FileExistsError:
        pass
    except OSError as error:
        raise SettingsError(f"MYPAGE_SECRETS_FILE cannot be created at {path}: {error.strerror}") from None
    else:
        return made
    try:
        kept = json.loads(path.read_text())
        if os.stat(path).st_mode & 0o077:
            path.chmod(0o600)
    except (OSError, ValueError):
        kept = {}
    if not all(isinstance(kept.get(name), str) and len(kept[name]) >= SECRET_MIN for name in made):
        raise SettingsError(f"MYPAGE_SECRETS_FILE {path} is unreadable or incomplete; delete it to make a new one")
    return kept


def _check_production_url(base_url: str) -> None:
    parsed = urlparse(base_url)
    if parsed.scheme != "https" and parsed.hostname not in LOCAL_HOSTS:
        raise SettingsError(
            f"MYPAGE_BASE_URL must be an https:// URL in production (http only for localhost), not {base_url!r}"
        )


def corporate_number_ok(digits: str) -> bool:
    """Whether 13 digits are a 法人番号 with a right check digit (the first).

    検査用数字 = 9 − (Σ Pn×Qn mod 9) over the other 12 digits, Pn the n-th from the
    right, Qn 1 for odd n and 2 for even n.
    """
    if not re.fullmatch(r"\d{13}", digits):
        return False
    body = digits[1:][::-1]
    total = sum(int(p) * (1 if n % 2 else 2) for n, p in enumerate(body, start=1))
    return int(digits[0]) == 9 - total % 9


def _check_operator(environ: dict[str, str], settings: Settings) -> None:
    """In production the operator's own details, not the built-in Aomori values."""
    builtin, brand = Branding(), settings.branding
    for name, value, default in (
        ("MYPAGE_OPERATOR_NAME", brand.name, builtin.name),
        ("MYPAGE_OPERATOR_ADDRESS", brand.address, builtin.address),
        ("MYPAGE_MAIL_FROM", settings.mail_from, Settings.mail_from),
        ("MYPAGE_OPERATOR_REGISTRATION_NUMBER", brand.registration_number, builtin.registration_number),
    ):
        if _text(environ, name) is None or value == default:
            raise SettingsError(f"{name} must be set to the operator's own value in production")
    if not corporate_number_ok(brand.registration_number[1:]):
        raise SettingsError(
            "MYPAGE_OPERATOR_REGISTRATION_NUMBER has a wrong check digit: T + the 13-digit 法人番号 is expected"
        )


def _proxies(environ: dict[str, str]) -> tuple[str, ...]:
    """MYPAGE_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges, each checked."""
    raw = _text(environ, "MYPAGE_TRUSTED_PROXIES") or ""
    entries = tuple(part.strip() for part in raw.split(",") if part.strip())
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(
                f"MYPAGE_TRUSTED_PROXIES: {entry!r} is not an IP address or a CIDR range like 10.0.0.0/8"
            ) from None
    return entries


def _branding(environ: dict[str, str]) -> Branding:
    fields = {f.name: f for f in dataclasses.fields(Branding)}
    values = {}
    for name in fields:
        raw = _text(environ, f"MYPAGE_OPERATOR_{name.upper()}")
        if raw is not None:
            values[name] = raw
    branding = Branding(**values)
    if not re.fullmatch(r"T\d{13}", branding.registration_number):
        raise SettingsError(
            f"MYPAGE_OPERATOR_REGISTRATION_NUMBER must be T followed by 13 digits, not {branding.registration_number!r}"
        )
    for name in ("primary_color", "accent_color"):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", getattr(branding, name)):
            raise SettingsError(f"MYPAGE_OPERATOR_{name.upper()} must be a colour like #0b5cab")
    return branding


def load(environ: dict[str, str] | None = None) -> Settings:
    """Read and check the settings from the environment.

    Args:
        environ: The variables to read; the process environment by default.

    Returns:
        The checked settings.

    Raises:
        SettingsError: A variable is set to a value the portal cannot use.
    """
    environ = dict(os.environ if environ is None else environ)
    env = _text(environ, "MYPAGE_ENV") or "development"
    if env not in ENVIRONMENTS:
        raise SettingsError(f"MYPAGE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    secret = _text(environ, "MYPAGE_SECRET_KEY")
    if env == "production" and (secret is None or len(secret) < SECRET_MIN):
        raise SettingsError(f"MYPAGE_SECRET_KEY must be set to at least {SECRET_MIN} characters in production")
    captcha_test_mode = _flag(environ, "MYPAGE_CAPTCHA_TEST_MODE")
    if env == "production" and captcha_test_mode:
        raise SettingsError("MYPAGE_CAPTCHA_TEST_MODE cannot be used with MYPAGE_ENV=production")
    port = _integer(environ, "PORT", 3000, 1, 65535)
    gateway_url = _url(environ, "MYPAGE_PAYMENT_GATEWAY_URL", ("http", "https")) or Settings.payment_gateway_url
    gateway_secret = _text(environ, "MYPAGE_PAYMENT_GATEWAY_SECRET")
    if env == "production" and (gateway_secret is None or len(gateway_secret) < SECRET_MIN):
        raise SettingsError(
            f"MYPAGE_PAYMENT_GATEWAY_SECRET must be set to at least {SECRET_MIN} characters in production"
        )
    if secret is None or gateway_secret is None:
        generated = _generated_secrets(Path(_text(environ, "MYPAGE_SECRETS_FILE") or SECRETS_FILE))
        secret = secret or generated["secret_key"]
        gateway_secret = gateway_secret or generated["payment_gateway_secret"]
    base_url = _url(environ, "MYPAGE_BASE_URL", ("http", "https")) or f"http://localhost:{port}"
    if env == "production":
        _check_production_url(base_url)
    defaults = Settings()
    outbox = _text(environ, "MYPAGE_OUTBOX_DIR")
    proxies = _proxies(environ)
    policy = _text(environ, "MYPAGE_PASSWORD_POLICY") or "guide"
    if policy not in PASSWORD_POLICIES:
        raise SettingsError(f"MYPAGE_PASSWORD_POLICY must be one of {', '.join(PASSWORD_POLICIES)}, not {policy!r}")
    asvs = policy == "asvs"
    password_min = _integer(environ, "MYPAGE_PASSWORD_MIN", ASVS_MIN if asvs else 6, ASVS_MIN if asvs else 4, 128)
    password_max = _integer(
        environ, "MYPAGE_PASSWORD_MAX", ASVS_MAX if asvs else 50, max(password_min, 64 if asvs else 0), 128
    )
    settings = Settings(
        env=env,
        database_url=_url(environ, "MYPAGE_DATABASE_URL", ("sqlite", "postgresql")) or defaults.database_url,
        redis_url=_url(environ, "MYPAGE_REDIS_URL", ("redis", "rediss")),
        base_url=base_url.rstrip("/"),
        secret_key=secret,
        smtp_host=_text(environ, "MYPAGE_SMTP_HOST"),
        smtp_port=_integer(environ, "MYPAGE_SMTP_PORT", 25, 1, 65535),
        smtp_user=_text(environ, "MYPAGE_SMTP_USER"),
        smtp_password=_text(environ, "MYPAGE_SMTP_PASSWORD"),
        smtp_starttls=_flag(environ, "MYPAGE_SMTP_STARTTLS"),
        mail_from=_text(environ, "MYPAGE_MAIL_FROM") or defaults.mail_from,
        mail_reply_to=_text(environ, "MYPAGE_MAIL_REPLY_TO") or defaults.mail_reply_to,
        outbox_dir=Path(outbox) if outbox else defaults.outbox_dir,
        bcrypt_rounds=_integer(environ, "MYPAGE_BCRYPT_ROUNDS", 12, 4, 16),
        captcha_test_mode=captcha_test_mode,
        port=port,
        password_min=password_min,
        password_max=password_max,
        password_policy=policy,
        session_idle_minutes=_integer(environ, "MYPAGE_SESSION_IDLE_MINUTES", 30, 1, 24 * 60),
        session_absolute_hours=_integer(environ, "MYPAGE_SESSION_ABSOLUTE_HOURS", 12, 1, 24 * 30),
        trusted_proxies=proxies,
        payment_gateway_url=gateway_url.rstrip("/"),
        payment_gateway_secret=gateway_secret,
        branding=_branding(environ),
        **_production(environ),
    )
    if env == "production":
        _check_operator(environ, settings)
    return settings


LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Invoices are kept 7 years (法人税法): the audit trail may go sooner, but never before a year.
MIN_AUDIT_RETENTION_DAYS = 90


def _production(environ: dict[str, str]) -> dict:
    """The settings of the production launch: workers, ports, static files, logs, retention."""
    log_format = (_text(environ, "MYPAGE_LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        raise SettingsError(f"MYPAGE_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    log_level = (_text(environ, "MYPAGE_LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"MYPAGE_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")
    static = _text(environ, "MYPAGE_STATIC_DIR")
    return {
        "workers": _integer(environ, "MYPAGE_WORKERS", default_workers(), 1, 64),
        "worker_port": _integer(environ, "MYPAGE_WORKER_PORT", 8001, 1024, 65535 - 64),
        "static_dir": Path(static) if static else Settings.static_dir,
        "log_format": log_format,
        "log_level": log_level,
        "audit_retention_days": _integer(
            environ, "MYPAGE_AUDIT_RETENTION_DAYS", 400, MIN_AUDIT_RETENTION_DAYS, 100 * 365
        ),
    }


@functools.cache
def get_settings() -> Settings:
    """The settings of this process, read on first use."""
    return load()
