"""The ack path on Bolt's `AsyncApp` (issue 27's async variant, served by `bot/asgi.py`).

The same listeners, global middlewares and error handler as `build_app`, registered on an
`AsyncApp`: Bolt verifies, routes and acks on the event loop, and each listener (a plain
function, as everywhere else) runs in the process's listener pool with sync stand-ins for
`ack`, `respond` and `say`, and a sync `WebClient` for the workspace. The services never see the
event loop. Whether this or the gthread `App` is the default is decided by the benchmark
(`docs/benchmarks.md`, "The async question").
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import Executor
from re import Pattern
from typing import Any, cast

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.context.respond import Respond
from slack_bolt.context.say import Say
from slack_bolt.middleware import Middleware
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.runtime import LISTENER_WORKERS, Runtime
from bot.slack.app import RejectMalformed, once_per_delivery, report_error, request_middlewares
from bot.slack.gateway import make_client
from bot.slack.listeners import register
from bot.slack.listeners.routes import Matcher, Register

log = logging.getLogger("bot.slack")


def build_async_app(runtime: Runtime, sync_app: App) -> AsyncApp:
    """An `AsyncApp` with every listener of `build_app`. `sync_app` is that `App`: its client
    serves authorization, and it keeps serving the install pages (`bot/asgi.py`)."""
    settings = runtime.settings
    pool = runtime.pool(LISTENER_WORKERS, "bolt-listener")
    app = AsyncApp(
        name="practice-bot",
        signing_secret=settings.signing_secret or "",
        logger=log,
        authorize=_authorizer(runtime, sync_app, pool),
        ignoring_self_events_enabled=True,
        raise_error_for_unhandled_request=False,
        url_verification_enabled=True,
        before_authorize=_OnTheLoop(RejectMalformed()),
    )
    app.use(_SyncClient(runtime))
    for middleware in request_middlewares(runtime):
        app.use(_OnTheLoop(middleware))

    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        respond = _respond(body.get("response_url"))
        await asyncio.get_running_loop().run_in_executor(
            pool, functools.partial(report_error, error, body, respond)
        )

    app.error(on_error)
    register(_Registrar(app, runtime, pool))
    return app


def _authorizer(
    runtime: Runtime, sync_app: App, pool: Executor
) -> Callable[..., Awaitable[AuthorizeResult]]:
    """Bolt's own sync authorization, run in the pool: the installation store's (OAuth), or the
    single token's `auth.test`, once."""
    store = runtime.slack.installation_store
    settings = runtime.settings
    # As `App` builds its own: the client (SLACK_API_URL) serves `auth.test` and token rotation.
    by_store = None if store is None else InstallationStoreAuthorize(
        installation_store=store, client_id=settings.client_id,
        client_secret=settings.client_secret, logger=log, client=sync_app.client,
    )  # fmt: skip
    single: list[AuthorizeResult] = []

    def authorize_sync(
        context: AsyncBoltContext, enterprise_id: str | None, team_id: str | None,
        user_id: str | None,
    ) -> AuthorizeResult | None:  # fmt: skip
        if by_store is not None:
            # Bolt's authorize calls `auth.test` through the context's client: a sync one here.
            sync_context = BoltContext(context)
            sync_context["client"] = sync_app.client
            return by_store(
                context=sync_context, enterprise_id=enterprise_id, team_id=team_id,
                user_id=user_id,
            )  # fmt: skip
        if not single:
            client = runtime.slack.single_client
            assert client is not None and client.token is not None
            single.append(
                AuthorizeResult.from_auth_test_response(
                    bot_token=client.token, auth_test_response=client.auth_test()
                )
            )
        return single[0]

    async def authorize(
        context: AsyncBoltContext, enterprise_id: str | None, team_id: str | None,
        user_id: str | None,
    ) -> AuthorizeResult:  # fmt: skip
        if single:
            return single[0]
        call = functools.partial(authorize_sync, context, enterprise_id, team_id, user_id)
        # None (no installation) is what Bolt's own authorize returns: it answers 200 and logs.
        return cast(AuthorizeResult, await asyncio.get_running_loop().run_in_executor(pool, call))

    return authorize


class _SyncClient(AsyncMiddleware):
    """The listeners and the reply writer call Slack from threads, with the sync `WebClient`
    `build_app` gives them: it replaces Bolt's `AsyncWebClient` in the context, after
    authorization has found the workspace's token."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:  # fmt: skip
        single = self._runtime.slack.single_client
        token = req.context.bot_token
        req.context["client"] = single or make_client(self._runtime.settings, token)
        return await next()


# What a sync middleware's `next()` returns on the loop: "go on", decided after it returned.
_GO_ON = BoltResponse(status=200, body="")


class _OnTheLoop(AsyncMiddleware):
    """One of `build_app`'s global middlewares on the event loop. They do no I/O (they check the
    payload, count a member's requests, or queue a thread reply) and each ends in
    `return next()`, so `next` can be called after `process` has returned."""

    def __init__(self, middleware: Middleware) -> None:
        self._middleware = middleware

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:  # fmt: skip
        answer = self._middleware.process(req=req, resp=resp, next=lambda: _GO_ON)  # type: ignore[arg-type]
        if answer is _GO_ON:
            return await next()
        return answer


class _Registrar:
    """What `bot.slack.listeners.register` calls `app.command(...)(listener)` on: registers
    each sync listener on the `AsyncApp` as a coroutine that runs it in the pool."""

    def __init__(self, app: AsyncApp, runtime: Runtime, pool: Executor) -> None:
        self._app = app
        self._runtime = runtime
        self._pool = pool

    def command(self, command: str | Pattern[str]) -> Register:
        return self._on(self._app.command(command))

    def action(self, constraints: Matcher) -> Register:
        return self._on(self._app.action(constraints))

    def view(self, constraints: Matcher) -> Register:
        return self._on(self._app.view(constraints))

    def event(
        self, event: Matcher, matchers: Sequence[Callable[..., bool]] | None = None
    ) -> Register:
        # The matchers are pure checks of the payload: they run on the loop.
        on_loop = [_coroutine(m, _names(m), functools.partial(_call, m)) for m in matchers or ()]
        decorator = self._app.event(event, matchers=on_loop or None)
        return lambda listener: self._on(decorator)(once_per_delivery(self._runtime, listener))

    def _on(self, decorator: Callable[[Any], Any]) -> Register:
        def register(listener: Callable[..., Any]) -> Any:
            # The listener's parameters are read once, here, not on every request.
            names = _names(listener)
            asked = names if "context" in names else [*names, "context"]
            run = functools.partial(self._in_pool, listener, names)
            return decorator(_coroutine(listener, asked, run))

        return register

    async def _in_pool(
        self, listener: Callable[..., Any], names: list[str], kwargs: dict[str, Any]
    ) -> Any:
        loop = asyncio.get_running_loop()
        context = kwargs["context"]
        wanted = {
            "ack": lambda: _sync_ack(kwargs["ack"]),
            "respond": lambda: _respond(context.response_url),
            "say": lambda: Say(context.client, context.channel_id),
        }
        given = {name: wanted[name]() if name in wanted else kwargs[name] for name in names}
        return await loop.run_in_executor(self._pool, functools.partial(listener, **given))


def _names(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def _call(function: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    return function(**kwargs)


def _coroutine(
    function: Callable[..., Any], asked: list[str], run: Callable[[dict[str, Any]], Any]
) -> Callable[..., Awaitable[Any]]:
    """A coroutine function named like `function` that Bolt calls with the parameters `asked`
    (Bolt reads the names through `inspect.getfullargspec`, which honours `__signature__`),
    and that hands them to `run`."""

    async def bridged(**kwargs: Any) -> Any:
        result = run(kwargs)
        return await result if inspect.isawaitable(result) else result

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter(name, kind) for name in asked]
    bridged.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    bridged.__name__ = getattr(function, "__name__", "listener")
    bridged.__qualname__ = getattr(function, "__qualname__", bridged.__name__)
    return bridged


def _sync_ack(ack: Callable[..., Coroutine[Any, Any, BoltResponse]]) -> Any:
    """`ack(...)` from the listener's thread. Bolt's `AsyncAck` only sets its response (it
    awaits nothing; tests/slack/test_library_seams.py checks), so the coroutine is driven to
    its end right here: no round trip through a busy event loop before Bolt sees the ack."""

    def sync_ack(*args: Any, **kwargs: Any) -> BoltResponse:
        coroutine = ack(*args, **kwargs)
        try:
            coroutine.send(None)
        except StopIteration as done:
            return cast(BoltResponse, done.value)
        coroutine.close()
        raise RuntimeError("Bolt's AsyncAck awaited something: it cannot run off the loop")

    return sync_ack


def _respond(response_url: str | None) -> Respond | None:
    return Respond(response_url=response_url) if response_url else None
