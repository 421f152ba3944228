"""nginx hands each request its id ($request_id): the worker tags its log lines with it and answers with it."""

from __future__ import annotations

import re

from mypage import routes
from tests.production import stack as st


def test_nginx_request_id_reaches_the_worker_and_its_access_log(stack):
    since = len(stack.access_log.read_text().splitlines()) if stack.access_log.exists() else 0
    status, headers, _ = st.https_get(stack(f"{routes.CAPTCHA_AUDIO}/no-such-challenge"))
    assert status == 404
    request_id = {k.lower(): v for k, v in headers.items()}["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's, not one the worker made (16 digits)

    def logged() -> bool:
        return any(f"request={request_id}" in line for line in stack.access_log.read_text().splitlines()[since:])

    st.wait_for(logged, "the access log line", 10)
    line = next(line for line in stack.access_log.read_text().splitlines()[since:] if request_id in line)
    assert "upstream=127.0.0.1:" in line and routes.CAPTCHA_AUDIO in line
