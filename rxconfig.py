"""Reflex configuration, from the MYPAGE_* settings (checked here, at start-up)."""

import os
import sys

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from mypage import logs
from mypage.components.theme import RadixThemesParts
from mypage.settings import SettingsError, get_settings

try:
    settings = get_settings()
except SettingsError as error:
    print(f"MyPage cannot start: {error}", file=sys.stderr)
    sys.exit(1)
logs.configure(settings)

# The invoices' and letters' embedded Japanese font must be installed (mypage/pdftext.py). Only the
# files are looked for here: reading the faces (register) waits for the first PDF, not every start.
from mypage.pdftext import FontMissing, font_files  # noqa: E402

try:
    font_files()
except FontMissing as error:
    print(f"MyPage cannot start: {error}", file=sys.stderr)
    sys.exit(1)

config = rx.Config(
    app_name="mypage",
    # The database URL also makes Reflex's /_health report the database (deploy/README.md).
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    state_manager_mode="redis" if settings.redis_url else "memory",
    # A backend worker of the production launch (`mypage serve`, `mypage worker`) has no frontend.
    frontend_port=None if os.environ.get("MYPAGE_WORKER_ID") else settings.port,
    backend_port=settings.port,
    deploy_url=settings.base_url,
    api_url=settings.base_url,
    cors_allowed_origins=[settings.origin],
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[RadixThemesParts(theme=rx.theme(appearance="light", accent_color="blue"))],
    disable_plugins=[SitemapPlugin],
)
