"""The files of deploy/ filled in from the settings: the nginx site.

deploy/nginx/mypage.conf is a template whose @NAME@ values come from the MYPAGE_*
settings, so that nginx and the portal agree on the base URL, the workers' ports,
the static folder and the private paths.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlparse

from mypage import routes
from mypage.operator.serve import worker_ports
from mypage.settings import ROOT, Settings

DEPLOY = ROOT / "deploy"
NGINX_TEMPLATE = DEPLOY / "nginx" / "mypage.conf"


@dataclasses.dataclass(frozen=True)
class NginxSite:
    """What the settings do not say: the certificate and where nginx listens and logs."""

    cert: str
    key: str
    listen: str = "443"
    http_listen: str = "80"
    access_log: str = "/var/log/nginx/mypage.access.log"


def _private_paths() -> list[str]:
    # The paths mypage.web.headers answers with Cache-Control: no-store.
    return [p for p in (*routes.MEMBER_PAGES, routes.RESET_PASSWORD, routes.API_PREFIX) if p != "/"]


def _dynamic_prefixes() -> list[str]:
    # "/notices/[notice_id]" -> "/notices": pages whose last part is a parameter.
    found = []
    for value in vars(routes).values():
        if isinstance(value, str) and value.endswith("]") and "/[" in value:
            found.append(value[: value.index("/[")])
    return sorted(set(found))


def render_nginx(settings: Settings, site: NginxSite) -> str:
    """The nginx site for these settings.

    Raises:
        ValueError: The base URL is not https (nginx terminates TLS), or a value would break the file.
    """
    if not settings.is_https:
        raise ValueError("MYPAGE_BASE_URL must be an https:// URL: nginx terminates TLS for the portal")
    for name, value in dataclasses.asdict(site).items():
        if not value or re.search(r"[\s;{}'\"#$]", value):
            raise ValueError(f"--{name.replace('_', '-')} has a character nginx cannot take: {value!r}")
    parsed = urlparse(settings.base_url)
    values = {
        "UPSTREAM_SERVERS": "\n".join(
            f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in worker_ports(settings)
        ),
        "PRIVATE_PATHS": "|".join(re.escape(p) for p in _private_paths()),
        "DYNAMIC_PATHS": "|".join(re.escape(p) for p in _dynamic_prefixes()) or "/-none-",
        "API_PREFIX": re.escape(routes.API_PREFIX),
        "SERVER_NAME": parsed.hostname or "_",
        "BASE_URL": settings.origin,
        "WEBSOCKET_ORIGIN": f"wss://{parsed.netloc}",
        "STATIC_DIR": str(settings.static_dir.resolve()),
        "CERT": site.cert,
        "KEY": site.key,
        "LISTEN": site.listen,
        "HTTP_LISTEN": site.http_listen,
        "ACCESS_LOG": site.access_log,
    }
    text = NGINX_TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"the template has values nobody fills in: {', '.join(sorted(set(left)))}")
    return text
