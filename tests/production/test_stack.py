"""The production launch behind nginx: two workers on PostgreSQL + Redis, from deploy/ as shipped.

One build for the module (the `stack` fixture); the tests run in order and the last
ones restart processes.
"""

from __future__ import annotations

import configparser
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from mypage import routes
from mypage.db import engine_for as db_engine
from mypage.models import Account, AuditEvent, CaptchaChallenge, Customer, EmailToken
from mypage.security import hash_password
from mypage.settings import load
from mypage.web import headers
from tests.browser.support import ROOT, wait_for_app
from tests.member_data import invoices
from tests.postgres import _bin as pg_bin
from tests.production import stack as st
from tests.support import free_port, mail_text

PASSWORD = "Kumo2024Sora"


def new_account(stack, bills: int = 0) -> Account:
    """An active account of its own, its customer with this many monthly bills."""
    login_id = f"p{uuid.uuid4().hex[:12]}"
    with stack.db() as db:
        customer = Customer(customer_number=f"7{uuid.uuid4().int % 10**9:09d}", name="八甲田 次郎")
        db.add(customer)
        db.flush()
        account = Account(
            customer_id=customer.id,
            login_id=login_id,
            login_id_folded=login_id,
            password_hash=hash_password(PASSWORD),
            email=f"{login_id}@example.jp",
            status="active",
        )
        db.add(account)
        db.commit()
        if bills:
            invoices(db, customer, bills, dt.date.today())
        return account


def log_in(stack, page: Page, account: Account) -> None:
    page.goto(stack(routes.LOGIN))
    wait_for_app(page)
    page.get_by_label("ログインID").fill(account.login_id)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


def test_every_worker_is_healthy_and_nginx_keeps_health_to_itself(stack):
    for port in stack.ports:
        status, _, body = st.https_get(f"http://127.0.0.1:{port}/_health".replace("https", "http"))
        assert status == 200
        assert json.loads(body) == {"status": True, "db": True, "redis": True}
    status, _, body = st.https_get(stack("/_health"))
    assert status == 200 and json.loads(body)["status"] is True


def test_static_files_carry_the_portals_security_headers_and_cache_rules(stack):
    settings = load(stack.env)
    for path in (routes.LOGIN, routes.HOME + "/", routes.BILLS + "/", routes.FAQ + "/", "/notices/12"):
        status, got, _ = st.https_get(stack(path))
        assert status == 200, path
        for name, value in headers.security_headers(path, settings):
            assert got.get(name) == value, (path, name, got.get(name))
    # A page's folder answers with its trailing slash, as Reflex's own server does.
    status, got, _ = st.https_get(stack(routes.BILLS))
    assert status == 301 and got["Location"] == routes.BILLS + "/"
    status, got, body = st.https_get(stack("/"))
    asset = re.search(rb'(/assets/[^"]+\.js)', body).group(1).decode()
    status, got, _ = st.https_get(stack(asset))
    assert status == 200
    assert got["Cache-Control"] == "public, max-age=31536000, immutable"
    assert st.https_get(stack("/no-such-page"))[0] == 404


def newest_challenge(stack) -> CaptchaChallenge:
    """The newest CAPTCHA challenge, once no new one has come for 3 seconds (a page's on_load may run twice)."""
    last, since = None, time.monotonic()
    while time.monotonic() - since < 3:
        with stack.db() as db:
            newest = db.exec(select(CaptchaChallenge).order_by(CaptchaChallenge.created_at.desc())).first()
        if last is None or newest.id != last.id:
            last, since = newest, time.monotonic()
        time.sleep(0.3)
    return last


def solve_captcha(stack) -> str:
    """The answer of the newest CAPTCHA, found from its keyed hash (4 digits: 10,000 tries)."""
    challenge = newest_challenge(stack)
    key = st.SECRET.encode()
    for number in range(10_000):
        answer = f"{number:04d}"
        digest = hmac.new(key, f"captcha:{challenge.id}:{answer}".encode(), hashlib.sha256).hexdigest()
        if digest == challenge.answer_hash:
            return answer
    raise AssertionError("no 4-digit answer matches the newest CAPTCHA")


def tab_worker(stack, before: dict[int, int] | None = None) -> int:
    """The worker holding a websocket that was not there before (nginx keeps no other connection open)."""
    before = before or dict.fromkeys(stack.ports, 0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        grown = [p for p in stack.ports if st.established_to(p) > before.get(p, 0)]
        if len(grown) == 1:
            return grown[0]
        time.sleep(0.2)
    raise AssertionError(f"no single worker holds the new websocket: {[st.established_to(p) for p in stack.ports]}")


def open_sockets(stack) -> dict[int, int]:
    return {p: st.established_to(p) for p in stack.ports}


def kill_worker(stack, port: int, sig: int = signal.SIGKILL) -> None:
    """Signal a worker's process group (SIGKILL: a crash; SIGTERM: a restart); the supervisor starts it again."""
    os.killpg(stack.launch.worker_pids()[port], sig)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["restart", "crash"])
def test_registration_goes_on_when_its_worker_stops_and_the_captcha_is_checked_on_the_other(stack, page, mail, sig):
    done = stack.cli("customer", "add", "--name", "登録 太郎", "--json")
    assert done.returncode == 0, done.stderr
    customer = json.loads(done.stdout)
    login_id, email = f"r{uuid.uuid4().hex[:10]}", f"r{uuid.uuid4().hex[:8]}@example.jp"
    before = open_sockets(stack)
    page.goto(stack(routes.REGISTER))
    wait_for_app(page)
    first = tab_worker(stack, before)
    expect(page.get_by_role("img", name="画像認証の数字（4桁）")).to_have_attribute("src", re.compile("^data:"))
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_label("パスワード(確認)").fill(PASSWORD)
    page.get_by_label("メールアドレス1").fill(email)
    page.get_by_label("お客様番号").fill(customer["customer_number"])
    codes = page.get_by_role("group", name="認証コード").get_by_role("textbox")
    for index, part in enumerate(customer["auth_code"].split("-")):
        codes.nth(index).fill(part)
    page.get_by_label("画像認証").fill(solve_captcha(stack))
    made = newest_challenge(stack).id

    # The worker that made the CAPTCHA stops (a restart or a crash); the tab reconnects through nginx to
    # the other one, which keeps the tab's state (mypage.state.sockets) and runs the page's on_load again:
    # what was typed stays, and so does the CAPTCHA.
    kill_worker(stack, first, sig)
    other = next(p for p in stack.ports if p != first)
    st.wait_for(lambda: st.established_to(other) > before[other], "the tab reconnecting to the other worker", 30)
    assert newest_challenge(stack).id == made
    expect(page.get_by_label("ログインID")).to_have_value(login_id)
    expect(page.get_by_label("画像認証")).not_to_have_value("")
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_role("heading", level=1, name="入力内容の確認")).to_be_visible()
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", level=1, name="送信完了")).to_be_visible()

    link = re.search(r"(https://\S+/verify\?token=\S+)", mail_text(mail.wait_for(email))).group(1)
    page.goto(link)
    wait_for_app(page)
    page.get_by_role("button", name="メールアドレスを認証する").click()
    expect(page.get_by_text("✔ アカウントを認証しました。")).to_be_visible()
    st.wait_for(lambda: st.worker_healthy(first), "the dead worker restarted", 180, stack.launch.log)


def test_login_bills_and_logout_through_nginx_reach_both_workers(stack, browser):
    account = new_account(stack, bills=3)
    since = len(stack.access_log.read_text().splitlines())
    for _ in range(2):
        context = browser.new_context(ignore_https_errors=True, locale="ja-JP")
        page = context.new_page()
        log_in(stack, page, account)
        page.get_by_role("link", name="ご請求明細").first.click()
        expect(page.get_by_role("heading", level=1, name="ご請求明細")).to_be_visible()
        expect(page.get_by_text(re.compile(rf"INV-{account.customer_id}-\d{{4}}-\d\d")).first).to_be_visible()
        page.get_by_role("button", name="ログアウト").click()
        expect(page.get_by_role("heading", level=1, name="マイページログイン")).to_be_visible()
        context.close()
    # Websockets and the session routes were spread over both workers.
    assert {f"127.0.0.1:{port}" for port in stack.ports} <= set(stack.upstreams(since))


def test_x_forwarded_for_from_nginx_is_believed_and_a_lockout_holds_on_every_worker(stack, browser):
    account = new_account(stack)
    workers = set()
    for attempt in range(1, 7):
        # Each try from an address of its own (nginx passes it on), so no CAPTCHA is asked.
        context = browser.new_context(
            ignore_https_errors=True, locale="ja-JP", extra_http_headers={"X-Forwarded-For": f"203.0.113.{attempt}"}
        )
        page = context.new_page()
        before = open_sockets(stack)
        page.goto(stack(routes.LOGIN))
        wait_for_app(page)
        workers.add(tab_worker(stack, before))
        page.get_by_label("ログインID").fill(account.login_id)
        page.get_by_label("パスワード").fill(PASSWORD if attempt == 6 else "Wrong9999")
        page.get_by_role("button", name="ログイン").click()
        expect(page.get_by_label("パスワード")).to_have_value("")
        if attempt == 6:
            expect(page.get_by_text("ログインに続けて失敗したため").first).to_be_visible()
        context.close()
    assert workers == set(stack.ports)
    with stack.db() as db:
        failed = db.exec(
            select(AuditEvent).where(AuditEvent.kind == "login_failed", AuditEvent.subject == account.login_id)
        ).all()
        assert sorted(e.ip for e in failed) == [f"203.0.113.{i}" for i in range(1, 6)]
        assert db.get(Account, account.id).locked_until is not None


def test_logout_in_one_tab_ends_the_session_in_a_tab_on_the_other_worker(stack, context: BrowserContext):
    account = new_account(stack)
    first = context.new_page()
    log_in(stack, first, account)
    tabs = {tab_worker(stack, dict.fromkeys(stack.ports, 0)): first}
    while len(tabs) < 2:
        before = open_sockets(stack)
        tab = context.new_page()
        tab.goto(stack(routes.CONTRACT))
        wait_for_app(tab)
        expect(tab.get_by_role("button", name="ログアウト")).to_be_visible()
        tabs.setdefault(tab_worker(stack, before), tab)
        assert len(context.pages) < 6
    one, two = tabs.values()
    one.get_by_role("button", name="ログアウト").click()
    expect(one.get_by_role("heading", level=1, name="マイページログイン")).to_be_visible()
    two.get_by_role("link", name="TOP").click()
    expect(two.get_by_role("heading", level=1, name="マイページログイン")).to_be_visible()


def test_a_logged_in_subscriber_keeps_the_session_and_what_was_typed_when_the_worker_dies(stack, page: Page):
    account = new_account(stack)
    log_in(stack, page, account)
    page.get_by_role("link", name="ID・パスワード変更").first.click()
    wait_for_app(page)
    worker = tab_worker(stack, dict.fromkeys(stack.ports, 0))
    field = page.get_by_label("新しいログインID")
    field.fill("typed2026")
    kill_worker(stack, worker)
    other = next(p for p in stack.ports if p != worker)
    st.wait_for(lambda: st.established_to(other) > 0, "the tab reconnecting to the other worker", 30)
    expect(field).to_have_value("typed2026")
    page.get_by_role("link", name="TOP").click()
    expect(page).to_have_url(re.compile(re.escape(stack(routes.HOME))))
    page.get_by_role("link", name="ご契約内容参照").first.click()
    expect(page.get_by_role("heading", level=1, name="ご契約内容参照")).to_be_visible()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    st.wait_for(lambda: st.worker_healthy(worker), "the dead worker restarted", 180, stack.launch.log)


def test_health_answers_503_naming_the_database_when_it_is_down(stack):
    port = free_port()
    env = {**stack.env, "MYPAGE_DATABASE_URL": f"postgresql+psycopg://mypage@127.0.0.1:{free_port()}/mypage"}
    log = (stack.tree / "health-worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "mypage.operator.cli", "worker", "--port", str(port)],
        cwd=stack.tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        answer = {}

        def answered() -> bool:
            status, _, body = st.https_get(f"http://127.0.0.1:{port}/_health")
            answer.update(status=status, body=json.loads(body))
            return True

        st.wait_for(answered, "the worker answering /_health", 180, stack.tree / "health-worker.log", worker)
        assert answer["status"] == 503
        assert answer["body"] == {"status": False, "db": False, "redis": True}
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)


def unit_command(name: str, port: int, tree) -> list[str]:
    """A systemd unit's ExecStart, for this checkout: %i is the port, mypage is this Python's."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(ROOT / "deploy" / "systemd" / name)
    service = parser["Service"]
    assert service["WorkingDirectory"] == "/srv/mypage" and service["EnvironmentFile"] == "/etc/mypage/mypage.env"
    command = service["ExecStart"].replace("%i", str(port)).split()
    assert command[0] == "/srv/mypage/.venv/bin/mypage"
    return [sys.executable, "-m", "mypage.operator.cli", *command[1:]]


def test_a_backup_restored_and_every_process_restarted_from_the_units_keep_accounts_sessions_and_verifications(
    stack, context: BrowserContext
):
    # A logged-in subscriber, and a registration waiting for its e-mail to be verified.
    account = new_account(stack, bills=1)
    page = context.new_page()
    log_in(stack, page, account)
    token = uuid.uuid4().hex
    with stack.db() as db:
        pending = new_account(stack)
        row = db.get(Account, pending.id)
        row.status = "pending"
        db.add(
            EmailToken(
                account_id=pending.id,
                purpose="verify",
                token_hash=hmac.new(st.SECRET.encode(), token.encode(), hashlib.sha256).hexdigest(),
                email=row.email,
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=24),
            )
        )
        db.commit()

    # Backup as the guide says, then stop everything.
    dump = stack.tree / "backup.dump"
    done = subprocess.run(
        [pg_bin("pg_dump"), "--format=custom", f"--file={dump}", stack.database_url.replace("+psycopg", "")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    stack.nginx.stop()
    stack.launch.stop()

    # Restore into a fresh database; the workers come back from the systemd units' commands on it.
    restored_url = stack.database_url.rsplit("/", 1)[0] + "/restored"
    with db_engine(stack.database_url).connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("CREATE DATABASE restored")
    done = subprocess.run(
        [pg_bin("pg_restore"), "--no-owner", f"--dbname={restored_url.replace('+psycopg', '')}", str(dump)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    env = {**stack.env, "MYPAGE_DATABASE_URL": restored_url}
    migrate = subprocess.run(
        unit_command("mypage-migrate.service", 0, stack.tree), cwd=stack.tree, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    workers = []
    try:
        for port in stack.ports:
            log = (stack.tree / f"unit-{port}.log").open("w")
            workers.append(
                subprocess.Popen(
                    unit_command("mypage-worker@.service", port, stack.tree),
                    cwd=stack.tree,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            )
        stack.nginx.start()
        stack.wait_healthy(timeout=180)

        # The browser's session cookie still works: the session row came back with the backup.
        page.goto(stack(routes.BILLS))
        wait_for_app(page)
        expect(page.get_by_role("heading", level=1, name="ご請求明細")).to_be_visible()
        expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
        # The pending registration's mailed link still verifies it.
        other = context.new_page()
        other.goto(stack(f"{routes.VERIFY}?token={token}"))
        wait_for_app(other)
        other.get_by_role("button", name="メールアドレスを認証する").click()
        expect(other.get_by_text("✔ アカウントを認証しました。")).to_be_visible()
    finally:
        for process in workers:
            os.killpg(process.pid, signal.SIGTERM)
        for process in workers:
            process.wait(timeout=30)
