"""The one logging configuration of every MyPage process (workers, `mypage` commands).

MYPAGE_LOG_FORMAT=text (default) writes lines for people; MYPAGE_LOG_FORMAT=json writes
one JSON object a line to stderr, for journald and a log collector:

    {"time": "2026-11-26T03:30:00.123456+00:00", "level": "info", "logger": "mypage.audit",
     "message": "login_ok", "worker": "8001", "account_id": 12, "ip": "203.0.113.5", ...}

`worker` is the backend worker's port (absent in commands); audit events (mypage.audit)
carry their kind as the message and account_id, subject, ip and detail as fields.
Under `mypage serve` the workers also run Reflex with REFLEX_LOG_JSON=1, so Reflex's
and granian's own lines arrive as JSON objects too (they name the time "timestamp").
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys

from mypage.settings import Settings, get_settings

# Fields a record may carry (logging's `extra=`) that go into the JSON object.
FIELDS = ("account_id", "subject", "ip", "detail", "session", "request_id", "path", "status")
_HANDLER_NAME = "mypage"


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
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    logging.getLogger("mypage").setLevel(settings.log_level)
    # Alembic tells every plugin it loads at INFO (each worker checks the schema at start).
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLevelName(settings.log_level)))
