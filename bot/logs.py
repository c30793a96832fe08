"""Logging: readable lines in development, one JSON object per line in production.

Tokens never reach the logs: a filter masks anything shaped like a Slack token.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

TOKEN = re.compile(r"xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")


def redact(text: str) -> str:
    return TOKEN.sub(lambda m: m.group(0)[:5] + "…redacted", text)


class RedactTokens(logging.Filter):
    """Masks tokens in the message, whatever its arguments are (strings, dicts, objects)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: keep what there is
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        return True


class TextFormatter(logging.Formatter):
    """The development format, with tokens masked in tracebacks too."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(data)


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactTokens())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("slack_bolt").setLevel(max(logging.getLevelName(level), logging.INFO))
    # Alembic announces every plugin it loads at INFO; only its migrations are worth a line.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
