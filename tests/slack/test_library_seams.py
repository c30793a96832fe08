"""Where the bot extends slack-sdk or Bolt beyond their plain public calls, each seam is
checked here, so that an upgrade that changes one fails a test instead of silently dropping
the behaviour (docs/architecture.md, "Library seams")."""

from __future__ import annotations

import inspect

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.util.utils import get_arg_names_of_callable, is_callable_coroutine
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState

from bot.slack.gateway import (
    JOB_MAX_RETRY_AFTER,
    MAX_RETRY_AFTER,
    BoundedRateLimitRetryHandler,
    waiting_out_rate_limits,
)


def _rate_limited(retry_after: str) -> HttpResponse:
    return HttpResponse(status_code=429, headers={"Retry-After": [retry_after]}, body={})


def _request() -> HttpRequest:
    return HttpRequest(method="POST", url="https://slack.test/api/users.info", headers={})


def test_the_429_handler_decides_through_slack_sdks_can_retry() -> None:
    # slack-sdk's public `can_retry` must still consult the handler's `_can_retry`.
    handler = BoundedRateLimitRetryHandler()
    within = _rate_limited(str(MAX_RETRY_AFTER))
    beyond = _rate_limited(str(MAX_RETRY_AFTER + 1))
    assert handler.can_retry(state=RetryState(), request=_request(), response=within)
    assert not handler.can_retry(state=RetryState(), request=_request(), response=beyond)


def test_a_job_waits_out_a_minute_window_that_a_request_does_not() -> None:
    handler = BoundedRateLimitRetryHandler()
    minute = _rate_limited("55")
    beyond = _rate_limited(str(JOB_MAX_RETRY_AFTER + 1))
    assert not handler.can_retry(state=RetryState(), request=_request(), response=minute)
    with waiting_out_rate_limits():
        assert handler.can_retry(state=RetryState(), request=_request(), response=minute)
        assert not handler.can_retry(state=RetryState(), request=_request(), response=beyond)
    assert not handler.can_retry(state=RetryState(), request=_request(), response=minute)


def test_bolts_event_registration_keeps_the_signature_the_app_wraps() -> None:
    # bot/slack/app.py's `_App.event` wraps the decorator `App.event(...)` returns.
    assert list(inspect.signature(App.event).parameters) == [
        "self",
        "event",
        "matchers",
        "middleware",
    ]


def test_the_socket_mode_handler_still_handles_each_request_in_handle() -> None:
    # `practice-bot socket` times each ack around `SocketModeHandler.handle(client, req)`.
    assert list(inspect.signature(SocketModeHandler.handle).parameters) == [
        "self",
        "client",
        "req",
    ]


def test_bolts_async_ack_sets_its_response_without_awaiting() -> None:
    # bot/slack/async_app.py drives `AsyncAck` to its end in the listener's thread.
    ack = AsyncAck()
    coroutine = ack(text="noted")
    try:
        coroutine.send(None)
    except StopIteration as done:
        assert done.value is ack.response
    else:
        coroutine.close()
        raise AssertionError("AsyncAck.__call__ suspended")
    assert ack.response is not None and ack.response.status == 200
    assert "noted" in ack.response.body


def test_bolt_reads_listener_parameters_through_signature() -> None:
    # bot/slack/async_app.py shows Bolt each bridged listener's parameters (plus `context`)
    # through `__signature__`; Bolt reads them with `getfullargspec(unwrap(f))`.
    async def bridged(**kwargs: object) -> None: ...

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    names = ["ack", "body", "context"]
    bridged.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, kind) for n in names]
    )
    assert get_arg_names_of_callable(bridged) == names
    assert is_callable_coroutine(bridged)
