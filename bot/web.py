"""The HTTP surface: `POST /slack/events` (events, commands, interactivity), OAuth, `/healthz`."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.runtime import Runtime

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi(app: App, runtime: Runtime) -> WSGIApp:
    slack = SlackRequestHandler(app, path="/slack/events")

    def healthz(start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            with runtime.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            status, body = "200 OK", dict[str, Any](ok=True)
        except Exception as exc:  # any database failure means "not healthy", never a crash
            log.warning("health check failed: %s", exc)
            status, body = "503 Service Unavailable", {"ok": False, "error": "database"}
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            return healthz(start_response)
        try:
            return slack(environ, start_response)
        except (ValueError, AttributeError, TypeError):
            # Bolt parses the body before it checks the signature or dispatches (listener errors
            # never get here: Bolt hands them to the app's error handler). A body that is not
            # JSON, or not an object, is the sender's fault, not ours.
            log.warning("refused a request whose body could not be parsed", exc_info=True)
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"malformed request body"]

    return wsgi
