"""マイページログイン, sessions and logout in Chromium, as a subscriber would use them."""

from __future__ import annotations

import datetime as dt
import socket
import urllib.request
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from mypage import routes
from mypage.accounts import sessions
from mypage.models import Account, AuditEvent, AuthCode, EmailToken, UserSession, utcnow
from mypage.security import hash_token
from tests.browser.auth_support import (
    PASSWORD,
    accessible,
    clean_address,  # noqa: F401 (fixture)
    log_in,
    new_account,
    open_login,
    reload_account,
    submit_login,
    url_of,
)
from tests.browser.support import wait_for_app

INVALID = "ログインIDまたはパスワードが正しくありません。"
pytestmark = pytest.mark.usefixtures("clean_address")


def session_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == sessions.cookie_name()), None)


def test_login_lands_on_home_with_an_httponly_strict_cookie(app, any_page: Page):
    page = any_page
    account = new_account(app)
    log_in(app, page, account)
    expect(page.get_by_text("八甲田 次郎")).to_be_visible()
    cookie = session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert cookie["secure"] is False  # http in tests: Secure (and __Host-) only under https
    assert cookie["value"] not in page.evaluate("document.cookie")
    with app.db() as db:
        row = db.exec(select(UserSession).where(UserSession.token_hash == hash_token(cookie["value"]))).one()
        assert row.account_id == account.id and row.ip == "127.0.0.1"
        assert db.exec(
            select(AuditEvent).where(AuditEvent.kind == "login_ok", AuditEvent.account_id == account.id)
        ).first()


def test_every_login_gets_a_new_token(app, page: Page):
    account = new_account(app)
    log_in(app, page, account)
    first = session_cookie(page)["value"]
    log_in(app, page, account)
    second = session_cookie(page)["value"]
    assert first != second
    with app.db() as db:
        assert sessions.resolve(db, first, touch=False) is None  # the old one ended with the new login


def test_full_width_login_id_is_converted_and_case_ignored(app, page: Page):
    account = new_account(app)
    open_login(app, page)
    wide = account.login_id.upper().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    box = page.get_by_label("ログインID")
    box.fill(wide)
    box.blur()
    expect(box).to_have_value(account.login_id.upper())
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(url_of(routes.HOME))


@pytest.mark.parametrize("case", ["wrong password", "unknown id"])
def test_failure_says_the_same_for_a_wrong_password_and_an_unknown_id(app, page: Page, case):
    account = new_account(app)
    open_login(app, page)
    if case == "wrong password":
        submit_login(page, account.login_id, "Wrong1234x", refused=True)
    else:
        submit_login(page, "nobody" + account.login_id, PASSWORD, refused=True)
    expect(page.get_by_role("alert").filter(has_text=INVALID)).to_be_visible()
    expect(page.get_by_label("パスワード")).to_have_value("")  # the password is not kept
    expect(page).to_have_url(url_of(routes.LOGIN))
    assert session_cookie(page) is None
    accessible(page)


def test_empty_fields_are_named(app, page: Page):
    open_login(app, page)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_text("ログインIDを入力してください。")).to_be_visible()
    expect(page.get_by_text("パスワードを入力してください。")).to_be_visible()
    expect(page.get_by_label("ログインID")).to_have_attribute("aria-invalid", "true")


def test_clear_empties_both_fields_and_the_errors(app, page: Page):
    open_login(app, page)
    submit_login(page, "someone", "Wrong1234x", refused=True)
    expect(page.get_by_role("alert").filter(has_text=INVALID)).to_be_visible()
    page.get_by_label("パスワード").fill("typed-again")
    page.get_by_role("button", name="クリア").click()
    expect(page.get_by_label("ログインID")).to_have_value("")
    expect(page.get_by_label("パスワード")).to_have_value("")
    expect(page.get_by_text(INVALID)).to_have_count(0)


def test_pending_account_is_offered_the_verification_mail_again(app, page: Page, mail):
    account = new_account(app, status="pending")
    open_login(app, page)
    submit_login(page, account.login_id, "Wrong1234x", refused=True)
    expect(page.get_by_text(INVALID)).to_be_visible()
    expect(page.get_by_role("button", name="確認メールを再送信")).to_have_count(0)
    submit_login(page, account.login_id, PASSWORD, refused=True)
    expect(page.get_by_text("メールアドレスの認証が済んでいません", exact=False)).to_be_visible()
    page.get_by_role("button", name="確認メールを再送信").click()
    expect(page.get_by_text("確認メールを再送信しました", exact=False)).to_be_visible()
    message = mail.wait_for(account.email)
    assert routes.VERIFY in message.get_body(preferencelist=("plain",)).get_content()
    assert session_cookie(page) is None
    accessible(page)


def test_captcha_after_three_failures_then_lockout_with_the_phone_number(app, page: Page):
    account = new_account(app)
    open_login(app, page)
    for _ in range(3):
        expect(page.get_by_label("画像認証")).to_have_count(0)
        submit_login(page, account.login_id, "Wrong1234x", refused=True)
        expect(page.get_by_text(INVALID)).to_be_visible()
    # Three failures from this address: the image CAPTCHA is asked too, and checked first.
    expect(page.get_by_role("img", name="画像認証の数字")).to_be_visible()
    accessible(page)
    submit_login(page, account.login_id, PASSWORD, captcha="0000", refused=True)
    expect(page.get_by_text("画像認証の数字が正しくありません", exact=False)).to_be_visible()
    # The fifth wrong password for the ID locks it, even for the right password afterwards.
    submit_login(page, account.login_id, "Wrong1234x", captcha="PASSED", refused=True)
    submit_login(page, account.login_id, "Wrong1234x", captcha="PASSED", refused=True)
    locked = page.get_by_role("alert").filter(has_text="停止しています")
    expect(locked).to_be_visible()
    expect(locked).to_contain_text("0120-442-208")
    submit_login(page, account.login_id, PASSWORD, captcha="PASSED", refused=True)
    expect(locked).to_be_visible()
    assert reload_account(app, account).locked_until is not None
    with app.db() as db:
        kinds = [e.kind for e in db.exec(select(AuditEvent).where(AuditEvent.account_id == account.id))]
    assert kinds.count("login_failed") == 5 and "login_locked" in kinds and "login_refused_locked" in kinds


@pytest.mark.parametrize("path", [routes.HOME, routes.BILLS, routes.CONTRACT])
def test_member_page_sends_to_login_and_back(app, page: Page, path):
    account = new_account(app)
    page.goto(app(path))
    expect(page).to_have_url(url_of(routes.LOGIN))
    assert "next=" in page.url
    wait_for_app(page)
    submit_login(page, account.login_id, PASSWORD)
    expect(page).to_have_url(url_of(path))
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def test_next_cannot_leave_the_site(app, page: Page):
    account = new_account(app)
    open_login(app, page, f"{routes.LOGIN}?next=//evil.example/")
    submit_login(page, account.login_id, PASSWORD)
    expect(page).to_have_url(url_of(routes.HOME))


def test_logout_revokes_clears_and_the_back_button_shows_nothing(app, page: Page):
    account = new_account(app)
    log_in(app, page, account)
    expect(page.get_by_text("八甲田 次郎")).to_be_visible()
    token = session_cookie(page)["value"]
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_text("ログアウトしました。")).to_be_visible()
    assert session_cookie(page) is None
    with app.db() as db:
        row = db.exec(select(UserSession).where(UserSession.token_hash == hash_token(token))).one()
        assert row.revoked_at is not None
    page.go_back()
    expect(page).to_have_url(url_of(routes.LOGIN))
    expect(page.get_by_text("八甲田 次郎")).to_have_count(0)
    # The old cookie, if someone had kept it, opens nothing either.
    page.context.add_cookies(
        [{"name": sessions.cookie_name(), "value": token, "url": app.url, "httpOnly": True, "sameSite": "Strict"}]
    )
    page.goto(app(routes.HOME))
    expect(page).to_have_url(url_of(routes.LOGIN))


def test_idle_warning_stay_logged_in_and_timeout(app, page: Page):
    account = new_account(app)
    log_in(app, page, account)
    # The page's own loading is activity: let it finish before the clock is turned.
    expect(page.get_by_text("八甲田 次郎")).to_be_visible()
    page.wait_for_load_state("networkidle")
    token = session_cookie(page)["value"]

    def age(minutes: float) -> None:
        with app.db() as db:
            row = db.exec(select(UserSession).where(UserSession.token_hash == hash_token(token))).one()
            row.last_seen_at = utcnow() - dt.timedelta(minutes=minutes)
            db.add(row)
            db.commit()

    def time_passes() -> None:
        # The page checks every minute and whenever it comes back to the front.
        page.evaluate("window.dispatchEvent(new Event('focus'))")

    age(27)
    time_passes()
    warning = page.get_by_role("alert").filter(has_text="自動的にログアウトします")
    expect(warning).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="ログインを続ける").click()
    expect(warning).to_have_count(0)
    with app.db() as db:
        row = db.exec(select(UserSession).where(UserSession.token_hash == hash_token(token))).one()
        assert utcnow() - row.last_seen_at < dt.timedelta(minutes=1)

    age(31)
    time_passes()
    expect(page).to_have_url(url_of(routes.LOGIN))
    expect(page.get_by_text("一定時間操作がなかったため", exact=False)).to_be_visible()
    expect(page.get_by_text("八甲田 次郎")).to_have_count(0)
    page.goto(app(routes.HOME))
    expect(page).to_have_url(url_of(routes.LOGIN))


def test_another_subscriber_in_the_same_tab_sees_none_of_the_first(app, page: Page):
    first, second = new_account(app, name="一人目 太郎"), new_account(app, name="二人目 花子")
    log_in(app, page, first)
    expect(page.get_by_text("一人目 太郎")).to_be_visible()
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    # Logged out elsewhere (e.g. the session ended) and someone else logs in in this tab.
    with app.db() as db:
        sessions.revoke_all_for_account(db, first.id)
        db.commit()
    log_in(app, page, second)
    expect(page.get_by_text("二人目 花子")).to_be_visible()
    assert not any("一人目" in f for f in frames)


def test_websocket_frames_carry_no_secret(app, page: Page):
    account = new_account(app)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    open_login(app, page)
    submit_login(page, account.login_id, "Wrong1234x", refused=True)
    expect(page.get_by_text(INVALID)).to_be_visible()
    log_in(app, page, account)
    token = session_cookie(page)["value"]
    for name in ("ご契約内容参照", "ご請求明細"):
        page.get_by_role("link", name="TOP").click()
        page.get_by_role("link", name=name).first.click()
        expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_text("ログアウトしました。")).to_be_visible()
    assert frames, "no websocket frames were seen"
    with app.db() as db:
        stored = reload_account(app, account)
        secrets = {token, hash_token(token), stored.password_hash, PASSWORD}
        secrets |= {row.token_hash for row in db.exec(select(UserSession))}
        secrets |= {row.token_hash for row in db.exec(select(EmailToken))}
        secrets |= {row.code_hash for row in db.exec(select(AuthCode))}
        secrets |= {row.password_hash for row in db.exec(select(Account))}
    secrets |= {c["auth_code"].replace("-", "") for c in app.demo["customers"]}
    secrets |= {c["auth_code"] for c in app.demo["customers"]}
    text = "\n".join(frames)
    leaked = [s for s in secrets if s and s in text]
    assert not leaked


def test_security_headers_and_no_store_on_member_pages(app):
    def headers(path: str) -> dict[str, str]:
        with urllib.request.urlopen(app(path)) as response:
            return {k.lower(): v for k, v in response.headers.items()}

    for path in (routes.LOGIN, routes.FAQ, routes.HOME, routes.BILLS, routes.FORGOT_PASSWORD):
        found = headers(path)
        csp = found["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, path
        assert found["x-content-type-options"] == "nosniff"
        assert found["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in found  # http here; sent under https
        member = path in routes.MEMBER_PAGES
        assert ("no-store" in found.get("cache-control", "")) == member, path


def handshake(app, origin: str) -> int:
    """The HTTP status of a socket.io websocket handshake sent with this Origin."""
    parsed = urlparse(app.url)
    request = (
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {parsed.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def test_websocket_accepts_only_the_portals_origin(app):
    assert handshake(app, app.url) == 101
    assert handshake(app, "http://evil.example") == 403
    assert handshake(app, app.url.replace("localhost", "127.0.0.1")) == 403


@pytest.mark.allow_console_errors  # the foreign page's refused socket and post are logged
def test_a_page_on_another_origin_cannot_act_with_the_cookie(app, page: Page):
    account = new_account(app)
    log_in(app, page, account)
    token = session_cookie(page)["value"]
    evil = "http://evil.example/"
    ws_url = app.url.replace("http", "ws") + "/_event/?EIO=4&transport=websocket"
    page.route(
        evil,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f"""
        <html><body>
        <form id="f" method="post" action="{app(routes.SESSION_END)}" target="sink"></form>
        <iframe name="sink"></iframe>
        <script>
        window.result = new Promise(resolve => {{
            const ws = new WebSocket({ws_url!r});
            ws.onopen = () => resolve("open");
            ws.onerror = () => resolve("refused");
        }});
        document.getElementById("f").submit();
        </script></body></html>""",
        ),
    )
    page.goto(evil)
    assert page.evaluate("window.result") == "refused"
    page.wait_for_timeout(500)
    with app.db() as db:
        assert sessions.resolve(db, token, touch=False) is not None  # the cross-site logout did nothing


@pytest.mark.parametrize("font", ["標準", "大きく"])
def test_login_screen_is_accessible(app, any_page: Page, font):
    open_login(app, any_page)
    any_page.get_by_role("button", name=font).click()
    accessible(any_page)
