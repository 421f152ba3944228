"""Every MYPAGE_* variable, read once, typed and checked at start-up.

Bad values raise SettingsError with one line that names the variable, so that
`make run` stops with a message a person can act on.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import urlparse

ENVIRONMENTS = ("development", "test", "production")
ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "mypage-development-secret-not-for-production"
DEV_GATEWAY_SECRET = "mypage-test-gateway-secret-not-for-production"


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


@dataclasses.dataclass(frozen=True)
class Settings:
    """The portal's configuration; see DESIGN's environment contract."""

    env: str = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'mypage.db'}"
    redis_url: str | None = None
    base_url: str = "http://localhost:3000"
    secret_key: str = DEV_SECRET
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
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    trusted_proxies: tuple[str, ...] = ()
    payment_gateway_url: str = "http://localhost:3001"
    payment_gateway_secret: str = DEV_GATEWAY_SECRET
    branding: Branding = dataclasses.field(default_factory=Branding)

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
    if env == "production" and (secret is None or len(secret) < 32):
        raise SettingsError("MYPAGE_SECRET_KEY must be set to at least 32 characters in production")
    captcha_test_mode = _flag(environ, "MYPAGE_CAPTCHA_TEST_MODE")
    if env == "production" and captcha_test_mode:
        raise SettingsError("MYPAGE_CAPTCHA_TEST_MODE cannot be used with MYPAGE_ENV=production")
    port = _integer(environ, "PORT", 3000, 1, 65535)
    gateway_url = _url(environ, "MYPAGE_PAYMENT_GATEWAY_URL", ("http", "https")) or Settings.payment_gateway_url
    gateway_secret = _text(environ, "MYPAGE_PAYMENT_GATEWAY_SECRET")
    if env == "production" and gateway_secret is not None and len(gateway_secret) < 32:
        raise SettingsError("MYPAGE_PAYMENT_GATEWAY_SECRET must be at least 32 characters in production")
    if gateway_secret is None and env == "production":
        # Unset in production: one derived from the secret key, never the public development one.
        gateway_secret = hmac.new((secret or "").encode(), b"payment-gateway", hashlib.sha256).hexdigest()
    base_url = _url(environ, "MYPAGE_BASE_URL", ("http", "https")) or f"http://localhost:{port}"
    defaults = Settings()
    outbox = _text(environ, "MYPAGE_OUTBOX_DIR")
    proxies = _proxies(environ)
    password_min = _integer(environ, "MYPAGE_PASSWORD_MIN", 6, 4, 128)
    return Settings(
        env=env,
        database_url=_url(environ, "MYPAGE_DATABASE_URL", ("sqlite", "postgresql")) or defaults.database_url,
        redis_url=_url(environ, "MYPAGE_REDIS_URL", ("redis", "rediss")),
        base_url=base_url.rstrip("/"),
        secret_key=secret or DEV_SECRET,
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
        password_max=_integer(environ, "MYPAGE_PASSWORD_MAX", 50, password_min, 128),
        session_idle_minutes=_integer(environ, "MYPAGE_SESSION_IDLE_MINUTES", 30, 1, 24 * 60),
        session_absolute_hours=_integer(environ, "MYPAGE_SESSION_ABSOLUTE_HOURS", 12, 1, 24 * 30),
        trusted_proxies=proxies,
        payment_gateway_url=gateway_url.rstrip("/"),
        payment_gateway_secret=gateway_secret or DEV_GATEWAY_SECRET,
        branding=_branding(environ),
    )


@functools.cache
def get_settings() -> Settings:
    """The settings of this process, read on first use."""
    return load()
