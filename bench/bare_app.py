"""The baseline: a bare Bolt app whose listeners only ack, for the same gunicorn stack.

    gunicorn bench.bare_app:wsgi -k gthread --workers 2 --threads 8

Reads SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN like the bot. It makes no Web API call: where
the bot asks `auth.test` once and caches the answer, the bare app authorizes from constants.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult


def _authorize(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(
        enterprise_id=None,
        team_id="T0001",
        bot_token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-bare"),
        bot_id="B0001",
        bot_user_id="UBOT",
    )


app = App(
    signing_secret=os.environ.get("SLACK_SIGNING_SECRET", ""),
    authorize=_authorize,
    raise_error_for_unhandled_request=False,
)


@app.command("/practice")
def _command(ack: Any) -> None:
    ack()


@app.event("message")
def _message(ack: Any) -> None:
    ack()


_slack = SlackRequestHandler(app, path="/slack/events")


def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"ok": true}']
    return _slack(environ, start_response)
