"""The one logging configuration of every MyPage process (workers, `mypage` commands).

MYPAGE_LOG_FORMAT=text (default) writes lines for people; MYPAGE_LOG_FORMAT=json writes
one JSON object a line to stderr, for journald and a log collector:

    {"time": "2026-11-26T03:30:00.123456+00:00", "level": "info", "logger": "mypage.audit",
     "message": "login_ok", "worker": "8001", "account_id": 12, "ip": "203.0.113.5", ...}

`worker` is the backend worker's port (absent in commands); audit events (mypage.audit)
carry their kind as the message and account_id, subject, ip and detail as fields.

Where known, a line also carries `request_id` and `session` from the context it was logged in
(contextvars, so the worker threads of `asyncio.to_thread` carry them too): an HTTP request's id
(nginx's X-Request-ID, else a new one; mypage.web.requestid), or for a websocket event a new id
per event and the tab's `session`, a hash prefix of Reflex's client token (mypage.state.logcontext).
Neither is a secret: never the session cookie or the client token itself.
Under `mypage serve` the workers also run Reflex with REFLEX_LOG_JSON=1, so Reflex's
and granian's own lines arrive as JSON objects too (they name the time "timestamp").
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import itertools
import json
import logging
import os
import re
import secrets
import sys
from collections.abc import Iterator

from mypage.settings import Settings, get_settings

# Fields a record may carry (logging's `extra=`) that go into the JSON object.
FIELDS = ("account_id", "subject", "ip", "detail", "session", "request_id", "path", "status")
_HANDLER_NAME = "mypage"
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("mypage_request_id", default=None)
_session: contextvars.ContextVar[str | None] = contextvars.ContextVar("mypage_session", default=None)
# An id a proxy may hand in (nginx's $request_id is 32 hex digits); anything else is replaced.
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


_ids = itertools.count(1)
_process: tuple[int, str] = (0, "")


def new_id() -> str:
    """A fresh short id for one request or event: 8 random hex digits per process, then a counter.

    Cheaper than fresh randomness for every websocket event (a system call each), and unique
    enough to find one request's lines: the prefix changes with the process.
    """
    global _process
    if _process[0] != os.getpid():
        _process = (os.getpid(), secrets.token_hex(4))
    return f"{_process[1]}{next(_ids):08x}"


def request_id_from(header: str | None) -> str:
    """The proxy's request id when it looks like one, else a new id (a client cannot inject log text)."""
    return header if header and _GOOD_ID.fullmatch(header) else new_id()


@functools.lru_cache(maxsize=4096)  # a tab sends many events; its name is made once
def short_hash(secret: str) -> str:
    """A non-secret name for a secret value (a client token): the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def bind(request_id: str | None = None, session: str | None = None) -> None:
    """Tag what the current context logs from now on (a websocket event's task ends with the event)."""
    _request_id.set(request_id)
    _session.set(session)


@contextlib.contextmanager
def bound(request_id: str | None = None, session: str | None = None) -> Iterator[None]:
    """Tag what is logged inside the block; the previous tags come back after it."""
    tokens = _request_id.set(request_id), _session.set(session)
    try:
        yield
    finally:
        _request_id.reset(tokens[0])
        _session.reset(tokens[1])


class ContextFilter(logging.Filter):
    """Adds the context's request id and session to a record that does not name its own."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        for field, var in (("request_id", _request_id), ("session", _session)):
            value = var.get()
            if value and getattr(record, field, None) in (None, ""):
                setattr(record, field, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:  # noqa: D102
        payload = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        worker = os.environ.get("MYPAGE_WORKER_ID")
        if worker:
            payload["worker"] = worker
        for field in FIELDS:
            value = getattr(record, field, None)
            if value not in (None, ""):
                payload[field] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line for people: time, level, logger, message, then the extra fields."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:  # noqa: D102
        extra = " ".join(f"{f}={getattr(record, f)}" for f in FIELDS if getattr(record, f, None) not in (None, ""))
        line = super().format(record)
        return f"{line} {extra}" if extra else line


def configure(settings: Settings | None = None) -> None:
    """Send every logger's records to stderr in the configured format (idempotent)."""
    settings = settings or get_settings()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    logging.getLogger("mypage").setLevel(settings.log_level)
    # Alembic tells every plugin it loads at INFO (each worker checks the schema at start).
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLevelName(settings.log_level)))
