"""Web API clients per workspace, with slack-sdk's own retry handlers.

Single-workspace mode has one bot token; OAuth mode looks each workspace's token up in Bolt's
installation store. Either way, 429s honour Retry-After and 5xx and connection errors are
retried with backoff by slack-sdk itself.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.settings import Settings

log = logging.getLogger(__name__)

# Refresh a rotating token this long before it expires (as Bolt's authorize does).
ROTATE_BEFORE_MINUTES = 120


class WorkspaceNotInstalled(LookupError):
    """No token is stored for this workspace (never installed, uninstalled or revoked)."""


def retry_handlers() -> list:  # type: ignore[type-arg]
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
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
        self._rotator: TokenRotator | None = None
        if settings.client_id and settings.client_secret:
            self._rotator = TokenRotator(
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                client=make_client(settings, None),
            )

    @property
    def single_client(self) -> WebClient | None:
        return self._single

    def client_for(self, team_id: str) -> WebClient:
        if self._single is not None:
            return self._single
        token = self.bot_token(team_id)
        client = self._clients.get(team_id)
        if client is None or client.token != token:
            client = make_client(self.settings, token)
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
