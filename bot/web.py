"""The HTTP surface: `POST /slack/events` (events, commands, interactivity), OAuth, `/healthz`,
`/metrics`."""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot import metrics
from bot.runtime import Runtime

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi(app: App, runtime: Runtime) -> WSGIApp:
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if method == "GET" and path == "/healthz":
            return healthz(runtime, start_response)
        if method == "GET" and path == "/metrics":
            return metrics_page(environ, start_response, runtime.settings.metrics_token)
        started = time.perf_counter()
        try:
            return slack(environ, start_response)
        except (ValueError, AttributeError, TypeError):
            # Bolt parses the body before it checks the signature or dispatches (listener errors
            # never get here: Bolt hands them to the app's error handler). A body that is not
            # JSON, or not an object, is the sender's fault, not ours.
            log.warning("refused a request whose body could not be parsed", exc_info=True)
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"malformed request body"]
        finally:
            # Bolt answers once the listener has acked (the work goes on after): this is the
            # time Slack waits. One histogram observation, nothing else on the ack path.
            if method == "POST":  # not the OAuth pages an installer's browser GETs
                metrics.ACK_LATENCY.observe(time.perf_counter() - started)

    return wsgi


def healthz(runtime: Runtime, start_response: Callable[..., Any]) -> Iterable[bytes]:
    """`GET /healthz`: 200 when the database answers, 503 when it does not."""
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        status, body = "200 OK", dict[str, Any](ok=True)
    except Exception as exc:  # any database failure means "not healthy", never a crash
        log.warning("health check failed: %s", exc)
        status, body = "503 Service Unavailable", {"ok": False, "error": "database"}
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


def metrics_page(
    environ: dict[str, Any], start_response: Callable[..., Any], token: str | None
) -> Iterable[bytes]:
    """`GET /metrics`: every series in the Prometheus text format (`bot/metrics.py`); with
    METRICS_TOKEN set, only for `Authorization: Bearer <token>` (docs/deploy.md)."""
    if token is not None:
        given = str(environ.get("HTTP_AUTHORIZATION", ""))
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            log.warning("refused /metrics: missing or wrong bearer token")
            start_response(
                "401 Unauthorized",
                [("Content-Type", "text/plain"), ("WWW-Authenticate", 'Bearer realm="metrics"')],
            )
            return [b"metrics need a bearer token (METRICS_TOKEN)"]
    body, content_type = metrics.render()
    start_response("200 OK", [("Content-Type", content_type)])
    return [body]


def make_ops_wsgi(runtime: Runtime) -> WSGIApp:
    """Socket Mode's small HTTP listener: `/healthz` and `/metrics` only (Slack comes in over
    the socket, so there is no `/slack/events`)."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == "/healthz":
            return healthz(runtime, start_response)
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == "/metrics":
            return metrics_page(environ, start_response, runtime.settings.metrics_token)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found: Socket Mode serves /healthz and /metrics only"]

    return wsgi


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # scrapes every few seconds
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def serve_ops(runtime: Runtime, port: int, host: str = "0.0.0.0") -> WSGIServer:
    """Start the Socket Mode listener on `port` in a daemon thread; returns the server."""
    server = make_server(
        host, port, make_ops_wsgi(runtime), server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )  # fmt: skip
    threading.Thread(target=server.serve_forever, name="ops-http", daemon=True).start()
    return server
