"""The async variant of the HTTP surface (issue 27): `POST /slack/events` on Bolt's `AsyncApp`
(`bot/slack/async_app.py`), everything else (`/healthz`, `/metrics`, the OAuth pages) on the
same WSGI app `practice-bot serve` runs, through a2wsgi.

    uvicorn bot.asgi:create --factory --workers 2

It needs the `asgi` extra (uvicorn, aiohttp, a2wsgi). `practice-bot serve` (gunicorn, gthread)
stays the default: `docs/benchmarks.md` ("The async question") has the measurement behind that.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from a2wsgi import WSGIMiddleware
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from bot import metrics
from bot.web import WSGIApp

log = logging.getLogger(__name__)

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]
EVENTS = "/slack/events"


def make_asgi(app: AsyncApp, wsgi: WSGIApp) -> ASGIApp:
    """Slack's requests to the `AsyncApp`; every other path to `wsgi`."""
    slack = AsyncSlackRequestHandler(app, path=EVENTS)
    rest = WSGIMiddleware(wsgi)  # type: ignore[arg-type]

    async def asgi(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != EVENTS or scope["method"] != "POST":
            if scope["type"] == "http":
                await rest(scope, receive, send)  # type: ignore[arg-type]
            return  # lifespan: nothing to start, `create` started it all
        started = time.perf_counter()
        sent: list[bool] = []

        async def tracked(message: dict[str, Any]) -> None:
            sent.append(True)
            await send(message)

        try:
            await slack(scope, receive, tracked)
        except (ValueError, AttributeError, TypeError):
            # As in `bot.web.make_wsgi`: Bolt parses the body before it checks the signature.
            log.warning("refused a request whose body could not be parsed", exc_info=True)
            if not sent:
                await _plain(send, 400, b"malformed request body")
        finally:
            metrics.ACK_LATENCY.observe(time.perf_counter() - started)

    return asgi


async def _plain(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create() -> ASGIApp:
    """One uvicorn worker: its runtime, scheduler and recovery, as a gunicorn worker has."""
    from bot.logs import configure_logging
    from bot.settings import load_settings
    from bot.slack.async_app import build_async_app
    from bot.startup import serving_runtime, start_process
    from bot.web import make_wsgi

    settings = load_settings()
    configure_logging(settings.log_format, settings.log_level)
    runtime = serving_runtime(settings)
    sync_app = start_process(runtime)
    return make_asgi(build_async_app(runtime, sync_app), make_wsgi(sync_app, runtime))
