import dataclasses

from starlette.responses import Response

from mypage import netaddr, routes
from mypage.accounts import sessions
from mypage.settings import get_settings
from mypage.web import headers, http

HTTPS = dataclasses.replace(get_settings(), base_url="https://mypage.actv.ne.jp")


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy():
    assert netaddr.client_ip("203.0.113.5", "198.51.100.1", proxies=()) == "203.0.113.5"
    assert netaddr.client_ip("203.0.113.5", "198.51.100.1", proxies=("10.0.0.0/8",)) == "203.0.113.5"


def test_forwarded_for_from_a_trusted_proxy_gives_the_first_untrusted_hop():
    proxies = ("10.0.0.0/8", "192.0.2.1")
    assert netaddr.client_ip("10.1.2.3", "198.51.100.7", proxies=proxies) == "198.51.100.7"
    # The client may prepend anything; only what our proxies appended counts.
    assert netaddr.client_ip("10.1.2.3", "1.1.1.1, 198.51.100.7, 192.0.2.1", proxies=proxies) == "198.51.100.7"
    assert netaddr.client_ip("10.1.2.3", "", proxies=proxies) == "10.1.2.3"
    assert netaddr.client_ip("10.1.2.3", "garbage", proxies=proxies) == "garbage"


def test_https_adds_hsts_and_a_secure_host_only_cookie(monkeypatch):
    names = dict(headers.security_headers("/", HTTPS))
    assert names["Strict-Transport-Security"].startswith("max-age=")
    assert "connect-src 'self' wss://mypage.actv.ne.jp" in names["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in dict(headers.security_headers("/"))
    assert sessions.cookie_name(HTTPS) == "__Host-mypage_session"
    monkeypatch.setattr(http, "get_settings", lambda: HTTPS)
    monkeypatch.setattr(sessions, "get_settings", lambda: HTTPS)
    response = Response()
    http._set_cookie(response, "tok")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-mypage_session=tok") and "Secure" in cookie and "Domain" not in cookie


def test_no_store_only_where_a_subscriber_s_data_is():
    for path in (*routes.MEMBER_PAGES, routes.BILLS + "/", routes.RESET_PASSWORD, routes.SESSION_START):
        assert headers.is_private_path(path), path
    for path in (routes.LOGIN, routes.FAQ, "/assets/app.js", routes.FORGOT_ID):
        assert not headers.is_private_path(path), path


def test_websocket_origin_rule():
    assert headers.origin_allowed("http://localhost:3000")
    assert headers.origin_allowed(None)  # not a browser page: it cannot carry a subscriber's cookie
    assert not headers.origin_allowed("http://localhost:3000.evil.example")
    assert not headers.origin_allowed("null")


def test_every_member_page_is_kept_out_of_caches():
    """The no-store list (headers, nginx) covers every page registered with member=True."""
    import mypage.pages  # noqa: F401  (registers every page)
    from mypage.components.layout import MEMBER_ROUTES

    uncovered = [r for r in MEMBER_ROUTES if not any(r == p or r.startswith(p + "/") for p in routes.MEMBER_PAGES)]
    assert MEMBER_ROUTES and uncovered == []
