"""A check that no Slack call is made by a thread holding an open database transaction.

The rule (`docs/architecture.md`): commit first, then call Slack. On SQLite an open transaction
holds the write lock for the whole round trip (up to a 30 s Retry-After); on PostgreSQL it pins
a connection and its row locks. `install()` makes the rule observable: SQLAlchemy's engine
events keep, per thread, the connections with a transaction open, and every Web API call
(`slack_sdk`'s `BaseClient.api_call`) and every `response_url` post (`WebhookClient`,
what Bolt's `respond` uses) made while the calling thread holds one is recorded as a violation.

The test suite installs it for every test and fails a test that leaves a violation behind
(`tests/conftest.py`). Processes started by tests (`practice-bot serve`) install it when
`PRACTICE_TRANSACTION_GUARD` names a file, and append each violation there as one line, so
the test that started them can fail too. Production never installs it.
"""

from __future__ import annotations

import os
import threading
import traceback
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

ENV = "PRACTICE_TRANSACTION_GUARD"

_lock = threading.Lock()
_open: dict[int, set[int]] = {}  # thread id -> ids of its connections inside a transaction
_violations: list[str] = []
_installed = False
_report_to: str | None = None  # a file to append violations to (a process tests started)


def _autocommit(conn: Connection) -> bool:
    # An AUTOCOMMIT connection (an advisory session lock) holds no transaction.
    return conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def _on_begin(conn: Connection) -> None:
    if _autocommit(conn):
        return
    with _lock:
        _open.setdefault(threading.get_ident(), set()).add(id(conn))


def _on_end(conn: Connection) -> None:
    with _lock:
        for held in _open.values():
            held.discard(id(conn))


def holds_transaction() -> bool:
    """Whether the calling thread has a database transaction open on any connection."""
    with _lock:
        return bool(_open.get(threading.get_ident()))


def _check(what: str) -> None:
    if not holds_transaction():
        return
    # Our own frames only (bot/, tests/): the library frames in between say nothing.
    frames = [
        f"{frame.filename}:{frame.lineno} {frame.name}"
        for frame in traceback.extract_stack()[:-2]
        if "site-packages" not in frame.filename and "/lib/python" not in frame.filename
    ]
    message = f"Slack call {what} made inside an open database transaction: " + " <- ".join(
        reversed(frames[-8:])
    )
    with _lock:
        _violations.append(message)
    if _report_to:
        with open(_report_to, "a", encoding="utf-8") as out:
            out.write(message + "\n")


def take_violations() -> list[str]:
    """The violations recorded in this process since the last call."""
    with _lock:
        taken = list(_violations)
        _violations.clear()
    return taken


def install(report_to: str | None = None) -> None:
    """Start tracking transactions and checking Slack calls (idempotent; tests only).

    `report_to`: a file each violation is also appended to, one line each.
    """
    global _installed, _report_to
    with _lock:
        _report_to = report_to or _report_to
        if _installed:
            return
        _installed = True
    from slack_sdk.web.base_client import BaseClient
    from slack_sdk.webhook.client import WebhookClient

    event.listen(Engine, "begin", _on_begin)
    event.listen(Engine, "commit", _on_end)
    event.listen(Engine, "rollback", _on_end)

    api_call = BaseClient.api_call
    send_dict = WebhookClient.send_dict

    def checked_api_call(self: Any, api_method: str, *args: Any, **kwargs: Any) -> Any:
        _check(api_method)
        return api_call(self, api_method, *args, **kwargs)

    def checked_send_dict(self: Any, *args: Any, **kwargs: Any) -> Any:
        _check("response_url")
        return send_dict(self, *args, **kwargs)

    # Patched on the classes, so every client the app builds is checked.
    BaseClient.api_call = checked_api_call  # type: ignore[method-assign]  # a test-only patch
    WebhookClient.send_dict = checked_send_dict  # type: ignore[method-assign]  # a test-only patch


def install_from_environment() -> None:
    """`install()` when the environment asks for it (a process started by the test suite)."""
    if os.environ.get(ENV):
        install(report_to=os.environ[ENV])
