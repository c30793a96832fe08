"""The Bolt app factory: one `build_app` for serve, socket, the demo and the tests."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import LISTENER_WORKERS, Runtime
from bot.services.deliveries import take_delivery
from bot.slack.deliveries import DeliveryClaim, delivery_key
from bot.slack.flood import PerMemberLimit, SlowDown
from bot.slack.gateway import MeteredWebClient, make_client
from bot.slack.listeners import register
from bot.slack.listeners.commands import import_subcommands
from bot.slack.render.fallback import SORRY
from bot.slack.thread_replies import QueueThreadReplies

log = logging.getLogger("bot.slack")


def build_app(runtime: Runtime, *, token_verification: bool = True) -> App:
    """A Bolt `App` wired to `runtime` (database, content, Slack clients, clock)."""
    settings = runtime.settings
    common: dict[str, Any] = {
        # Bolt names an app without one from its caller's file, through `inspect.stack()`,
        # which reads the source of every frame and walks all loaded modules: under gunicorn
        # that copies the pages each worker shares with the master (bot/server.py).
        "name": "practice-bot",
        "signing_secret": settings.signing_secret or "",
        "logger": log,
        "ignoring_self_events_enabled": True,
        "raise_error_for_unhandled_request": False,
        "url_verification_enabled": True,
        # After the signature check, before Bolt's own authorization reads the body.
        "before_authorize": RejectMalformed(),
        "listener_executor": runtime.pool(LISTENER_WORKERS, "bolt-listener"),
    }
    if settings.oauth:
        from bot.slack.oauth import oauth_settings

        store = runtime.slack.installation_store
        app = _App(
            runtime,
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
        app = _App(
            runtime,
            **common,
            client=runtime.slack.single_client,
            token_verification_enabled=token_verification,
        )

    if runtime.reply_writer is None:
        raise ValueError("a serving runtime has a reply writer (bot.startup.serving_runtime)")
    app.use(_MeterSlackCalls())
    for middleware in request_middlewares(runtime):
        app.use(middleware)
    app.error(report_error)
    register(app)
    return app


def request_middlewares(runtime: Runtime) -> list[Middleware]:
    """The global middlewares after authorization, in order (both apps): none of them does
    I/O, which is what lets the `AsyncApp` run them on its event loop."""
    chain: list[Middleware] = []
    if runtime.settings.user_rate_limit:
        chain.append(SlowDown(PerMemberLimit(runtime.settings.user_rate_limit)))
    return [*chain, _InjectRuntime(runtime), QueueThreadReplies()]


def load_listeners() -> None:
    """Import every listener module (the subcommands register themselves on import): the
    gunicorn master does it once, before it forks, so the workers share those pages."""
    import_subcommands()


# The part of each payload type that Bolt and the listeners read as an object (or a list).
_SHAPES: dict[str, tuple[str, type]] = {
    "event_callback": ("event", dict),
    "block_actions": ("actions", list),
    "view_submission": ("view", dict),
    "view_closed": ("view", dict),
}


# The global middlewares are `Middleware` classes, not functions: Bolt calls a function
# middleware through its argument injection (inspecting the function and building its keyword
# arguments on every request), which was a third of the ack path's CPU in the profile of a
# thread reply (docs/benchmarks.md, "Changes (issue 17, third session)").


class RejectMalformed(Middleware):
    """A signed request whose payload has the wrong shape gets a 400, not a crash. Between the
    signature check and Bolt's authorization, in both apps."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body: Any = req.body
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


class _InjectRuntime(Middleware):
    """Listeners are plain functions; they find their dependencies here, not in globals."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["runtime"] = self._runtime
        return next()


class _MeterSlackCalls(Middleware):
    """Bolt makes a plain `WebClient` per request for the listeners; ours counts its calls
    (`practice_slack_api_calls`). `MeteredWebClient` adds behaviour and no state, so Bolt's
    client becomes one in place: no second client on the ack path. (Before, this overrode
    Bolt's private `App._init_context`; a middleware is Bolt's public extension point.)"""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        client = req.context.client
        if type(client) is WebClient:
            client.__class__ = MeteredWebClient
        return next()


class _App(App):
    """Bolt's `App`, whose event listeners each claim their delivery before they run.

    Every Slack delivery is processed at most once: the claim is a row in `deliveries` keyed by
    the event id (and the listener). It is taken in the listener's own thread, after Bolt has
    acked, so the ack never waits for the database (under load, that wait was most of the
    ack time). A retry of a delivery already taken is acked and then ignored.
    """

    def __init__(self, runtime: Runtime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._practice_runtime = runtime

    # `App.event(event, matchers=None, middleware=None)` returns the decorator that registers
    # a listener; every event listener passes through here. Checked against slack-bolt 1.30.0;
    # tests/slack/test_library_seams.py fails if the signature changes.
    def event(self, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        register = super().event(*args, **kwargs)

        def wrap(function: Callable[..., Any], *more: Any) -> Any:
            return register(once_per_delivery(self._practice_runtime, function), *more)

        return wrap


# What an event listener wrapped by `once_per_delivery` may ask Bolt for.
_EVENT_ARGS = ("body", "context", "client", "event", "say", "logger", "payload")


def once_per_delivery(runtime: Runtime, listener: Callable[..., Any]) -> Callable[..., Any]:
    wanted = list(inspect.signature(listener).parameters)
    unsupported = set(wanted) - set(_EVENT_ARGS)
    if unsupported:
        raise TypeError(f"event listener {listener.__name__} asks for {sorted(unsupported)}")
    name = getattr(listener, "__qualname__", listener.__name__)
    own = getattr(listener, "claims_own_delivery", False)

    def once(
        body: dict[str, Any],
        context: Any,
        client: Any,
        event: Any,
        say: Any,
        logger: Any,
        payload: Any,
    ) -> Any:
        kind = str((body.get("event") or {}).get("type", "event"))
        key = delivery_key(body, name)
        claim = DeliveryClaim(runtime, key, kind)
        if own:
            context["delivery"] = claim
        elif key is not None and not take_delivery(runtime.sessions, claim):
            return None
        given = {"body": body, "context": context, "client": client, "event": event,
                 "say": say, "logger": logger, "payload": payload}  # fmt: skip
        return listener(**{arg: given[arg] for arg in wanted})

    once.__name__ = listener.__name__
    once.__qualname__ = name
    return once


def report_error(error: Exception, body: dict[str, Any], respond: Any) -> None:
    """One error handler for every listener: the operator gets a traceback, the user a line."""
    kind = body.get("type") or body.get("command") or "request"
    log.error("listener failed on %s", kind, exc_info=error)
    if respond is not None and body.get("response_url"):
        try:
            respond(text=SORRY, response_type="ephemeral", replace_original=False)
        except (SlackApiError, OSError):
            log.warning("could not tell the user about the failure", exc_info=True)
