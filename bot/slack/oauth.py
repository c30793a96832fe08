"""Multi-workspace installs: Bolt's OAuth flow over slack-sdk's SQLAlchemy stores.

`SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` switch this on (`Settings.oauth`). A workspace
installs from `GET /slack/install` (a state cookie, then Slack's authorize page); Slack sends
the installer back to `GET /slack/oauth_redirect`, where the code is exchanged with
`oauth.v2.access` and the installation saved in `slack_installations` / `slack_bots` on our own
database (migration 0007). Rotating tokens are refreshed by Bolt's authorize for requests and by
`SlackGateway.client_for` for jobs, `ROTATE_BEFORE_MINUTES` before they expire.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.db import make_session_factory
from bot.models import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES
from bot.services.workspaces import install, seal_stored_tokens
from bot.settings import Settings
from bot.slack.gateway import ROTATE_BEFORE_MINUTES
from bot.slack.token_crypto import SEALED_PREFIX, EncryptedInstallationStore, TokenCipher

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_EXPIRATION_SECONDS = 600

# The bot scopes the app asks for: the same list as manifest.yml (a test keeps them equal).
BOT_SCOPES = (
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:write",
    "mpim:write",
    "reactions:write",
    "users:read",
)


def make_installation_store(engine: Engine, settings: Settings) -> EncryptedInstallationStore:
    """The installation store; tokens encrypted with TOKEN_ENCRYPTION_KEYS (`token_crypto`)."""
    assert settings.client_id, "OAuth mode needs SLACK_CLIENT_ID"
    cipher = TokenCipher(settings.token_keys)
    sealed = seal_stored_tokens(make_session_factory(engine), cipher.seal, SEALED_PREFIX)
    if sealed:
        log.info("encrypted the tokens of %d installation rows stored before encryption", sealed)
    return EncryptedInstallationStore(
        cipher=cipher,
        client_id=settings.client_id,
        engine=engine,
        bots_table_name=SLACK_BOTS,
        installations_table_name=SLACK_INSTALLATIONS,
        logger=log,
    )


def make_state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRATION_SECONDS,
        engine=engine,
        logger=log,
        table_name=SLACK_OAUTH_STATES,
    )


def oauth_settings(
    settings: Settings,
    engine: Engine,
    *,
    installation_store: InstallationStore | None = None,
    clock: Callable[[], datetime] | None = None,
) -> OAuthSettings:
    """Bolt's OAuth settings; the flow's Web API calls go to `settings.slack_api_url`.

    (Bolt builds its `OAuthFlow` with the App's own client, which `build_app` points at
    `settings.slack_api_url`, so `oauth.v2.access` and token refreshes reach the emulator in
    tests and Slack in production.)
    """
    assert settings.client_id and settings.client_secret
    return OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        installation_store=installation_store or make_installation_store(engine, settings),
        state_store=make_state_store(engine),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        # `/slack/install` goes straight to Slack's authorize page (a link to share).
        install_page_rendering_enabled=False,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        callback_options=install_callbacks(engine, clock),
        logger=log,
    )


def install_callbacks(
    engine: Engine, clock: Callable[[], datetime] | None = None
) -> CallbackOptions:
    """After Bolt stored an installation: record the workspace, then Bolt's own pages."""
    sessions = make_session_factory(engine)

    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        team_id = installation.team_id
        if team_id:
            now = clock() if clock is not None else datetime.now(UTC)
            install(
                sessions,
                team_id,
                now,
                name=installation.team_name or "",
                bot_user_id=installation.bot_user_id,
            )
            log.info("installed in workspace %s (%s)", team_id, installation.team_name)
        return args.default.success(args)

    def failure(args: FailureArgs) -> BoltResponse:
        log.warning("an install failed: %s", args.reason)
        return args.default.failure(args)

    return CallbackOptions(success=success, failure=failure)
