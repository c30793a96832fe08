"""The Bolt app factory: one `build_app` for serve, socket, the demo and the tests."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk.errors import SlackApiError

from bot.db import unit_of_work
from bot.practice.deliveries import claim_delivery
from bot.runtime import Runtime
from bot.slack.gateway import make_client
from bot.slack.listeners import register

log = logging.getLogger("bot.slack")

SORRY = (
    "Sorry, something went wrong on my side and I could not finish that. It has been logged; "
    "please try again in a minute."
)


def build_app(runtime: Runtime, *, token_verification: bool = True) -> App:
    """A Bolt `App` wired to `runtime` (database, content, Slack clients, clock)."""
    settings = runtime.settings
    common: dict[str, Any] = {
        "signing_secret": settings.signing_secret or "",
        "logger": log,
        "ignoring_self_events_enabled": True,
        "raise_error_for_unhandled_request": False,
        "url_verification_enabled": True,
        # After the signature check, before Bolt's own authorization reads the body.
        "before_authorize": _reject_malformed,
    }
    if settings.oauth:
        from bot.slack.oauth import oauth_settings

        store = runtime.slack.installation_store
        app = App(
            **common,
            installation_store=store,
            oauth_settings=oauth_settings(
                settings, runtime.engine, installation_store=store, clock=runtime.clock
            ),
            # No token: Bolt's authorize finds each workspace's. The OAuth flow and token
            # rotation use this client too, so they reach SLACK_API_URL.
            client=make_client(settings, None),
        )
    else:
        app = App(
            **common,
            client=runtime.slack.single_client,
            token_verification_enabled=token_verification,
        )

    app.use(_inject_runtime(runtime))
    app.use(_dedupe_deliveries(runtime))
    app.error(_handle_error)
    register(app)
    return app


# The part of each payload type that Bolt and the listeners read as an object (or a list).
_SHAPES: dict[str, tuple[str, type]] = {
    "event_callback": ("event", dict),
    "block_actions": ("actions", list),
    "view_submission": ("view", dict),
    "view_closed": ("view", dict),
}


def _reject_malformed(body: Any, next: Callable[[], Any]) -> Any:
    """A signed request whose payload has the wrong shape gets a 400, not a crash."""
    problem = None
    if not isinstance(body, dict):
        problem = "the payload is not an object"
    else:
        shape = _SHAPES.get(str(body.get("type") or ""))
        if shape is not None and not isinstance(body.get(shape[0]), shape[1]):
            problem = f"{body.get('type')} without a valid {shape[0]!r}"
        elif "user" in body and not isinstance(body["user"], dict | str):
            problem = "a malformed 'user'"
    if problem is not None:
        log.warning("refused a malformed request: %s", problem)
        return BoltResponse(status=400, body="malformed payload")
    return next()


def _inject_runtime(runtime: Runtime) -> Callable[..., Any]:
    def inject_runtime(context: Any, next: Callable[[], Any]) -> Any:
        # Listeners are plain functions; they find their dependencies here, not in globals.
        context["runtime"] = runtime
        return next()

    return inject_runtime


def _dedupe_deliveries(runtime: Runtime) -> Callable[..., Any]:
    def dedupe_deliveries(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or not event_id:
            return next()
        kind = str((body.get("event") or {}).get("type", "event"))
        with unit_of_work(runtime.sessions) as session:
            first = claim_delivery(session, f"event:{event_id}", kind, runtime.clock())
            session.commit()
        if not first:
            log.info("delivery %s (%s) already processed; ignored", event_id, kind)
            return BoltResponse(status=200, body="")
        return next()

    return dedupe_deliveries


def _handle_error(error: Exception, body: dict[str, Any], respond: Any) -> None:
    """One error handler for every listener: the operator gets a traceback, the user a line."""
    kind = body.get("type") or body.get("command") or "request"
    log.error("listener failed on %s", kind, exc_info=error)
    if respond is not None and body.get("response_url"):
        try:
            respond(text=SORRY, response_type="ephemeral", replace_original=False)
        except (SlackApiError, OSError):
            log.warning("could not tell the user about the failure", exc_info=True)
