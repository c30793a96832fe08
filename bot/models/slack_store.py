"""Slack's own tables: slack-sdk's installation and OAuth state stores (`SLACK_METADATA`).

OAuth installs are stored by slack-sdk's SQLAlchemy installation store and OAuth state store
(bot/slack/oauth.py). Their tables are built here with slack-sdk's own table builders, on a
metadata of their own (slack-sdk issues plain Core statements against these definitions), so
that Alembic's autogenerate compares the migrated schema (0003) with exactly what slack-sdk
expects. They are not ORM models: nothing in the domain reads tokens.
"""

from __future__ import annotations

from sqlalchemy import MetaData, String

from bot.models.base import NAMING_CONVENTION

SLACK_INSTALLATIONS = "slack_installations"
SLACK_BOTS = "slack_bots"
SLACK_OAUTH_STATES = "slack_oauth_states"
SEALED_TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
SEALED_TOKEN_LENGTH = 1000


def _slack_metadata() -> MetaData:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    SQLAlchemyInstallationStore.build_installations_table(metadata, SLACK_INSTALLATIONS)
    SQLAlchemyInstallationStore.build_bots_table(metadata, SLACK_BOTS)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, SLACK_OAUTH_STATES)
    # Tokens are stored encrypted (bot/slack/token_crypto.py): a Fernet token of a long
    # rotating token outgrows slack-sdk's String(200) (migration 0010 widens them).
    for table in (metadata.tables[SLACK_INSTALLATIONS], metadata.tables[SLACK_BOTS]):
        for column in table.columns:
            if column.name in SEALED_TOKEN_COLUMNS:
                column.type = String(SEALED_TOKEN_LENGTH)
    return metadata


SLACK_METADATA = _slack_metadata()
