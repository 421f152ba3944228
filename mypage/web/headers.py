"""The security headers of every HTTP response, and the websocket origin rule.

Reflex's built frontend needs inline scripts (React Router's hydration data, the
文字サイズ script in <head>), inline styles (Radix, Emotion) and `eval` (Reflex runs
`rx.call_script` code with it), so script-src allows those; everything else is
limited to this origin, and no other site may frame the portal.
"""

from __future__ import annotations

from urllib.parse import urlparse

from mypage import routes
from mypage.settings import Settings, get_settings

# Pages whose HTML or data belongs to one subscriber, and the pages of mailed links (their
# address carries a token): never stored by the browser or a proxy.
_NO_STORE_PREFIXES = (
    *routes.MEMBER_PAGES,
    routes.RESET_PASSWORD,
    routes.VERIFY,
    routes.EMAIL_CONFIRM,
    routes.EMAIL_CANCEL,
    routes.API_PREFIX,
)


def websocket_origin(settings: Settings) -> str:
    """The ws:// or wss:// origin of the portal's own event socket."""
    parsed = urlparse(settings.origin)
    return f"{'wss' if parsed.scheme == 'https' else 'ws'}://{parsed.netloc}"


def content_security_policy(settings: Settings | None = None) -> str:
    """The CSP for every page."""
    settings = settings or get_settings()
    return "; ".join(
        [
            "default-src 'self'",
            # 'unsafe-eval' stays: Reflex 0.10's frontend runs every rx.call_script with eval()
            # (.web/utils/state.js, the "_call_script" / "_call_function" events), and the portal
            # needs call_script for the POST that sets the HttpOnly session cookie
            # (state.auth.post_form) and for taking tokens out of the address bar. Checked in
            # Reflex 0.10.1; drop it when Reflex runs scripts without eval.
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' {websocket_origin(settings)}",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def is_private_path(path: str) -> bool:
    """Whether a response for this path must carry Cache-Control: no-store."""
    path = path.rstrip("/") or "/"
    return any(path == p or path.startswith(p + "/") for p in _NO_STORE_PREFIXES if p != "/") or any(
        path == p.rstrip("/") + ".html" for p in routes.MEMBER_PAGES
    )


def security_headers(path: str, settings: Settings | None = None) -> list[tuple[str, str]]:
    """The headers added to the HTTP response for a path."""
    settings = settings or get_settings()
    headers = [
        ("Content-Security-Policy", content_security_policy(settings)),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        # Not no-referrer: Chromium then sends "Origin: null" on form posts, which the session routes refuse.
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ]
    if settings.is_https:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    if is_private_path(path):
        headers.append(("Cache-Control", "no-store"))
        headers.append(("Pragma", "no-cache"))
    return headers


def origin_allowed(origin: str | None, settings: Settings | None = None) -> bool:
    """Whether a websocket or form post from this Origin may act; no Origin is not a browser page."""
    if not origin:
        return True
    return origin.rstrip("/") == (settings or get_settings()).origin
