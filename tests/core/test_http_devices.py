"""The session route's device cookie and the new-device mail, through Starlette's test client."""

from mypage import mail, routes
from mypage.accounts import known_devices, sessions
from tests.core.factories import make_account
from tests.core.test_http import ORIGIN, client  # noqa: F401 (fixture)


def start(client, dbs, account, cookie: str = ""):  # noqa: F811
    ticket = sessions.issue_ticket(dbs, account.id)
    dbs.commit()
    headers = {"Origin": ORIGIN, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"}
    if cookie:
        headers["Cookie"] = cookie
    return client.post(routes.SESSION_START, data={"ticket": ticket}, headers=headers)


def device_cookie(response) -> str:
    (line,) = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("mypage_device=")]
    return line


def test_the_device_cookie_is_long_lived_httponly_and_kept(client, dbs, monkeypatch):  # noqa: F811
    sent = []
    monkeypatch.setattr(mail, "send", lambda to, subject, body: sent.append((to, subject, body)))
    account = make_account(dbs, email="taro@example.jp")

    first = device_cookie(start(client, dbs, account))
    assert "HttpOnly" in first and "SameSite=strict" in first and "Max-Age=34560000" in first
    device = first.split(";")[0].split("=", 1)[1]
    assert sent == []  # the account's first login

    # The same browser again: the same id, no mail.
    again = device_cookie(start(client, dbs, account, f"{known_devices.cookie_name()}={device}"))
    assert again.split(";")[0] == f"mypage_device={device}"
    assert sent == []

    # Another browser (the test client keeps cookies like a browser: forget them): a mail to the owner.
    client.cookies.clear()
    start(client, dbs, account)
    ((to, subject, body),) = sent
    assert to == "taro@example.jp" and "新しい端末からのログイン" in subject and "Firefox（Linux）" in body
