"""Web API clients per workspace, with slack-sdk's own retry handlers.

Single-workspace mode has one bot token; OAuth mode looks each workspace's token up in Bolt's
installation store. Either way, 429s honour Retry-After and 5xx and connection errors are
retried with backoff by slack-sdk itself. Waits are bounded: a 429 asking for more than
`MAX_RETRY_AFTER` seconds is not waited out in-line, and the call fails as a transient error.
A due-work job waits longer (`JOB_MAX_RETRY_AFTER`, inside `waiting_out_rate_limits`): a
workspace's minute window for a method is shut for all of the job's next calls too, so a job
that moved on only met one 429 after another (the busy-morning benchmark: four times the
`chat.postMessage` calls, each message claimed and released again on every tick) instead of
waiting the minute out once.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from slack_sdk.web import SlackResponse

from bot import metrics
from bot.settings import Settings

log = logging.getLogger(__name__)

# Slack errors that mean the token itself is dead: no call with it can succeed again.
DEAD_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed"}
)


# Refresh a rotating token this long before it expires (as Bolt's authorize does).
ROTATE_BEFORE_MINUTES = 120


class WorkspaceNotInstalled(LookupError):
    """No token is stored for this workspace (never installed, uninstalled or revoked)."""


# chat.postMessage's metadata key that tags one send (`MeteredWebClient._post_once`), and the
# event type of the metadata added to a message that had none.
SEND_KEY = "practice_send"
SEND_EVENT = "practice_message"
# Pages of a thread's replies read to find a send (200 a page).
FIND_SEND_PAGES = 5


class MeteredWebClient(WebClient):
    """A `WebClient` that counts its calls by method and outcome (`practice_slack_api_calls`),
    and posts a message at most once when Slack's answer is lost (`_post_once`).

    Every client the bot uses is one: the gateway's, and the one Bolt makes per request
    (`bot/slack/app.py`). A call that slack-sdk retried (429, 5xx) counts once, by its outcome.
    """

    def api_call(self, api_method: str, *args: Any, **kwargs: Any) -> Any:
        outcome = "connection"  # no answer from Slack: the request raised before one came
        try:
            if api_method == "chat.postMessage" and isinstance(kwargs.get("json"), dict):
                response = self._post_once(*args, **kwargs)
            else:
                response = super().api_call(api_method, *args, **kwargs)
            outcome = "ok"
            return response
        except SlackApiError as exc:
            outcome = str(exc.response.get("error") or f"http_{exc.response.status_code}")
            raise
        finally:
            metrics.SLACK_CALLS.labels(method=api_method, error=outcome).inc()

    def _post_once(self, *args: Any, **kwargs: Any) -> Any:
        """chat.postMessage is not idempotent: when the connection drops or times out after
        Slack posted, posting again doubles the message (found by the simulation). Each send
        carries a fresh id in its metadata; with no answer, the channel (or thread) is searched
        for it, and only a send that is not there is made again."""
        body = dict(kwargs["json"])
        metadata = body.get("metadata") or {"event_type": SEND_EVENT, "event_payload": {}}
        if not isinstance(metadata, dict):  # slack-sdk's Metadata object
            metadata = metadata.to_dict()
        send_id = uuid.uuid4().hex
        payload = dict(metadata.get("event_payload") or {}, **{SEND_KEY: send_id})
        body["metadata"] = dict(metadata, event_payload=payload)
        kwargs["json"] = body
        try:
            return super().api_call("chat.postMessage", *args, **kwargs)
        except SlackApiError:
            raise  # Slack answered: it did not post
        except Exception as lost:
            try:
                found = self._find_send(body, send_id)
            except Exception:
                raise lost from None  # nothing known: the caller's own retry decides
            if found is not None:
                log.warning("Slack's answer to chat.postMessage was lost (%s); it had posted",
                            type(lost).__name__)  # fmt: skip
                return found
            log.warning("chat.postMessage got no answer (%s) and did not post: posting again",
                        type(lost).__name__)  # fmt: skip
        return super().api_call("chat.postMessage", *args, **kwargs)

    def _find_send(self, body: dict[str, Any], send_id: str) -> SlackResponse | None:
        """The message of send `send_id`, as chat.postMessage would have answered, or None."""
        channel = str(body["channel"])
        if channel[:1] in ("U", "W"):  # a DM addressed to the member: its IM channel
            channel = str(self.conversations_open(users=channel)["channel"]["id"])
        thread = body.get("thread_ts")
        messages: list[dict[str, Any]] = []
        if thread:  # oldest first: a new reply is on the last page
            cursor = ""
            for _ in range(FIND_SEND_PAGES):
                page = self.conversations_replies(
                    channel=channel,
                    ts=str(thread),
                    limit=200,
                    include_all_metadata=True,
                    cursor=cursor or None,
                )
                messages += page.get("messages") or []
                cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
                if not cursor:
                    break
        else:  # newest first: a new message is among the latest
            page = self.conversations_history(channel=channel, limit=50, include_all_metadata=True)
            messages = page.get("messages") or []
        for message in messages:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get(SEND_KEY) == send_id:
                data = {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
                return SlackResponse(
                    client=self,
                    http_verb="POST",
                    api_url=f"{self.base_url}chat.postMessage",
                    req_args={},
                    data=data,
                    headers={},
                    status_code=200,
                )
        return None


class GuardedWebClient(MeteredWebClient):
    """A `WebClient` that reports a dead token (invalid_auth, token_revoked...) once seen."""

    def __init__(self, *args: Any, on_dead_token: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_dead_token = on_dead_token

    def api_call(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().api_call(*args, **kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error in DEAD_TOKEN_ERRORS and self.on_dead_token is not None:
                self.on_dead_token(self.token, error)
            raise


def _method(request: HttpRequest) -> str:
    """The Web API method a retried request calls (`chat.postMessage`...)."""
    return request.url.split("?", 1)[0].rsplit("/", 1)[-1]


# The longest Retry-After waited out inside one call (seconds): by default, and in a job.
MAX_RETRY_AFTER = 30
JOB_MAX_RETRY_AFTER = 65  # a minute's window, and a little
_max_retry_after: ContextVar[int | None] = ContextVar("max_retry_after", default=None)


@contextmanager
def waiting_out_rate_limits(seconds: int = JOB_MAX_RETRY_AFTER) -> Iterator[None]:
    """Calls made inside wait out a Retry-After of up to `seconds` (this thread's, a job's)."""
    token = _max_retry_after.set(seconds)
    try:
        yield
    finally:
        _max_retry_after.reset(token)


class BoundedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack-sdk's 429 handler (sleeps Retry-After), except for waits over `max_wait` seconds
    (or the longer wait of `waiting_out_rate_limits`)."""

    def __init__(self, max_retry_count: int = 3, max_wait: int = MAX_RETRY_AFTER) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    # `_can_retry` is slack-sdk's hook for a retry handler's decision (`RetryHandler.can_retry`
    # calls it; slack-sdk's own handlers and its docs' custom handler override it). Checked
    # against slack-sdk 3.48.0; tests/slack/test_library_seams.py fails if `can_retry` stops
    # consulting it.
    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        metrics.SLACK_RATE_LIMITED.labels(method=_method(request)).inc()
        for name, values in response.headers.items():
            if name.lower() == "retry-after" and values:
                try:
                    return int(values[0]) <= (_max_retry_after.get() or self.max_wait)
                except ValueError:
                    return True
        return True

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        started = time.monotonic()
        try:
            super().prepare_for_next_attempt(
                state=state, request=request, response=response, error=error
            )
        finally:  # slack-sdk sleeps Retry-After in there
            metrics.SLACK_RATE_LIMIT_WAIT.inc(time.monotonic() - started)


# Web API methods that only read (users.info, conversations.replies...): asking again is safe.
READ_SUFFIXES = (".info", ".list", ".history", ".replies", ".members")


class IdempotentConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """slack-sdk's retry on a dropped connection, except for chat.postMessage: a retry there
    can post twice (Slack may have posted before the connection dropped); `_post_once`
    decides instead, after looking for the message. A read that timed out is retried too
    (slack-sdk gives up on a timeout at once; found by the simulation: one slow users.info
    failed a member's `/practice me away`)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = _method(request)
        if method == "chat.postMessage":
            return False
        if isinstance(error, TimeoutError) and response is None:
            return method.endswith(READ_SUFFIXES)
        return super()._can_retry(state=state, request=request, response=response, error=error)


def retry_handlers() -> list[RetryHandler]:
    return [
        IdempotentConnectionErrorRetryHandler(max_retry_count=2),
        BoundedRateLimitRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def make_client(settings: Settings, token: str | None, on_dead_token: Any = None) -> WebClient:
    return GuardedWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,
        retry_handlers=retry_handlers(),
        on_dead_token=on_dead_token,
    )


class SlackGateway:
    """Hands out the right `WebClient` for a workspace."""

    def __init__(
        self, settings: Settings, *, installation_store: InstallationStore | None = None
    ) -> None:
        self.settings = settings
        self.installation_store = installation_store
        self._single = (
            None if settings.oauth else make_client(settings, settings.bot_token, self._token_died)
        )
        self._clients: dict[str, WebClient] = {}
        # Dead tokens seen by this process: token -> (team id, or None for the single token).
        self._dead: dict[str, str | None] = {}
        self._dead_unreported: list[str | None] = []
        self._dead_lock = threading.Lock()
        self._rotator: TokenRotator | None = None
        if settings.client_id and settings.client_secret:
            self._rotator = TokenRotator(
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                client=make_client(settings, None),
            )

    def _token_died(self, token: str | None, error: str) -> None:
        """No call with `token` can succeed: stop using it, and have its workspace stopped."""
        if not token:
            return
        team_id = next((t for t, c in self._clients.items() if c.token == token), None)
        with self._dead_lock:
            if token in self._dead:
                return
            self._dead[token] = team_id
            self._dead_unreported.append(team_id)
        log.error(
            "Slack answered %s: the bot token of workspace %s is dead; no more calls with it",
            error,
            team_id or "(single workspace)",
        )

    def take_dead_workspaces(self) -> list[str | None]:
        """Workspaces whose token died since the last call (None: the single workspace)."""
        with self._dead_lock:
            taken, self._dead_unreported = self._dead_unreported, []
        return taken

    @property
    def single_client(self) -> WebClient | None:
        return self._single

    def client_for(self, team_id: str) -> WebClient:
        if self._single is not None:
            if self._single.token in self._dead:
                raise WorkspaceNotInstalled(team_id)
            return self._single
        token = self.bot_token(team_id)
        if token in self._dead:
            raise WorkspaceNotInstalled(team_id)
        client = self._clients.get(team_id)
        if client is None or client.token != token:
            client = make_client(self.settings, token, self._token_died)
            self._clients[team_id] = client
        return client

    def forget(self, team_id: str) -> None:
        """Drop the cached client of a workspace whose tokens were revoked."""
        self._clients.pop(team_id, None)

    def bot_token(self, team_id: str) -> str:
        """The workspace's bot token from the installation store, refreshed when rotating.

        Jobs do not pass through Bolt's authorize, so a rotating token that is about to
        expire is refreshed here (as Bolt does for requests) and the installation saved.
        """
        assert self.installation_store is not None
        store = self.installation_store
        installation = store.find_installation(enterprise_id=None, team_id=team_id)
        if installation is None or not installation.bot_token:
            bot = store.find_bot(enterprise_id=None, team_id=team_id)
            if bot is None or not bot.bot_token:
                raise WorkspaceNotInstalled(team_id)
            return bot.bot_token
        if installation.bot_refresh_token is None or self._rotator is None:
            return installation.bot_token
        try:
            refreshed = self._rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=ROTATE_BEFORE_MINUTES
            )
        except SlackTokenRotationError:
            # Another instance may have refreshed it first (the old refresh token is spent).
            latest = store.find_installation(enterprise_id=None, team_id=team_id)
            if latest is None or latest.bot_token in (None, installation.bot_token):
                raise
            return latest.bot_token
        if refreshed is None:
            return installation.bot_token
        store.save(refreshed)
        log.info("refreshed the rotating bot token of workspace %s", team_id)
        assert refreshed.bot_token is not None
        return refreshed.bot_token
