"""Web API clients per workspace, with slack-sdk's own retry handlers.

Single-workspace mode has one bot token; OAuth mode looks each workspace's token up in Bolt's
installation store. Either way, 429s honour Retry-After and 5xx and connection errors are
retried with backoff by slack-sdk itself. Waits are bounded: a 429 asking for more than
`MAX_RETRY_AFTER` seconds is not waited out in-line (it would hold up every other channel in
the same job run); the call fails as a transient error and the next tick tries again.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store import InstallationStore

from bot.settings import Settings


class WorkspaceNotInstalled(LookupError):
    """No token is stored for this workspace (never installed, uninstalled or revoked)."""


# The longest Retry-After waited out inside one call (seconds).
MAX_RETRY_AFTER = 30


class BoundedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack-sdk's 429 handler (sleeps Retry-After), except for waits over `max_wait` seconds."""

    def __init__(self, max_retry_count: int = 3, max_wait: int = MAX_RETRY_AFTER) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

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
        for name, values in response.headers.items():
            if name.lower() == "retry-after" and values:
                try:
                    return int(values[0]) <= self.max_wait
                except ValueError:
                    return True
        return True


def retry_handlers() -> list:  # type: ignore[type-arg]
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        BoundedRateLimitRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def make_client(settings: Settings, token: str | None) -> WebClient:
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=retry_handlers(),
    )


class SlackGateway:
    """Hands out the right `WebClient` for a workspace."""

    def __init__(
        self, settings: Settings, *, installation_store: InstallationStore | None = None
    ) -> None:
        self.settings = settings
        self.installation_store = installation_store
        self._single = None if settings.oauth else make_client(settings, settings.bot_token)
        self._clients: dict[str, WebClient] = {}

    @property
    def single_client(self) -> WebClient | None:
        return self._single

    def client_for(self, team_id: str) -> WebClient:
        if self._single is not None:
            return self._single
        assert self.installation_store is not None
        bot = self.installation_store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise WorkspaceNotInstalled(team_id)
        client = self._clients.get(team_id)
        if client is None or client.token != bot.bot_token:
            client = make_client(self.settings, bot.bot_token)
            self._clients[team_id] = client
        return client
