"""The second baseline: a bare Bolt `AsyncApp` whose listeners only ack, served by uvicorn.

    uvicorn bench.bare_async:asgi --workers 2 (uvloop and httptools when installed)

The same listeners as `bench.bare_app`, on asyncio instead of threads: no listener thread
hand-off, no polling for the ack. The bench measures both bare stacks in the same run and
compares the bot with the faster one (the floor).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult


async def _authorize(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(
        enterprise_id=None,
        team_id="T0001",
        bot_token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-bare"),
        bot_id="B0001",
        bot_user_id="UBOT",
    )


app = AsyncApp(
    signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""),
    authorize=_authorize,
    raise_error_for_unhandled_request=False,
)


@app.command("/practice")
async def _command(ack: Any) -> None:
    await ack()


@app.event("message")
async def _message(ack: Any) -> None:
    await ack()


_slack = AsyncSlackRequestHandler(app, path="/slack/events")
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def asgi(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and scope["path"] == "/healthz":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b'{"ok": true}'})
        return
    await _slack(scope, receive, send)
