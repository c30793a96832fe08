"""Workspace tokens are encrypted at rest in OAuth mode (TOKEN_ENCRYPTION_KEYS).

After real installs through the OAuth flow, a plain and a rotating one, the database's raw
rows hold no token: a stolen backup is useless without the key. The bot itself still acts
with the token, and a second key lets the first be rotated out.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.emulator.stage import CLIENT_ID, TOKEN_KEY, Stage
from bot.models import SLACK_METADATA, Base
from bot.settings import SettingsError, load_settings
from bot.slack.oauth import make_installation_store
from tests.e2e.conftest import ONE, TWO


def raw_text_of_every_table(stage: Stage) -> str:
    tables = [*Base.metadata.sorted_tables, *SLACK_METADATA.sorted_tables]
    with stage.runtime.engine.connect() as connection:
        rows = [
            repr(tuple(row))
            for table in tables
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"'))
        ]
    return "\n".join(rows)


@pytest.fixture
def stage(oauth_stage: Stage) -> Stage:
    return oauth_stage


def test_no_token_is_readable_in_the_database_after_installs(stage: Stage) -> None:
    assert stage.install(ONE).status == 200
    assert stage.install(TWO, rotating=True).status == 200
    store = stage.runtime.slack.installation_store
    tokens = []
    for team in (ONE, TWO):
        installation = store.find_installation(enterprise_id=None, team_id=team)
        assert installation is not None and installation.bot_token.startswith("xox")
        tokens += [installation.bot_token, installation.bot_refresh_token]
    tokens = [t for t in tokens if t]
    assert len(tokens) == 3  # two bot tokens and the rotating one's refresh token

    dump = raw_text_of_every_table(stage)
    assert ONE in dump and TWO in dump  # the rows are there...
    for token in tokens:
        assert token not in dump  # ...their tokens are not
    assert "xoxb-" not in dump and "xoxe" not in dump
    # The bot still acts with the decrypted token.
    assert stage.runtime.slack.client_for(ONE).token == tokens[0]


def test_a_second_key_reads_tokens_sealed_with_the_first(stage: Stage) -> None:
    assert stage.install(ONE).status == 200
    old = stage.runtime.slack.installation_store.find_bot(enterprise_id=None, team_id=ONE)
    keys = (Fernet.generate_key().decode(), TOKEN_KEY)
    rotated = replace(stage.runtime.settings, token_keys=keys)
    store = make_installation_store(stage.runtime.engine, rotated)
    bot = store.find_bot(enterprise_id=None, team_id=ONE)
    assert bot is not None and old is not None and bot.bot_token == old.bot_token


def test_oauth_mode_does_not_start_without_a_key() -> None:
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "s", "SLACK_SIGNING_SECRET": "x"}
    with pytest.raises(SettingsError) as missing:
        load_settings(env, dotenv=None)
    assert str(missing.value).startswith("TOKEN_ENCRYPTION_KEYS is not set")
    assert "\n" not in str(missing.value)
    with pytest.raises(SettingsError, match="TOKEN_ENCRYPTION_KEYS is malformed"):
        load_settings({**env, "TOKEN_ENCRYPTION_KEYS": "not-a-key"}, dotenv=None)
    keys = f"{Fernet.generate_key().decode()},{TOKEN_KEY}"
    assert len(load_settings({**env, "TOKEN_ENCRYPTION_KEYS": keys}, dotenv=None).token_keys) == 2


def test_tokens_stored_before_encryption_are_encrypted_on_start(stage: Stage) -> None:
    assert stage.install(ONE).status == 200
    store = stage.runtime.slack.installation_store
    token = store.find_bot(enterprise_id=None, team_id=ONE).bot_token
    with stage.runtime.engine.begin() as connection:  # as an older version left it
        connection.execute(text("UPDATE slack_bots SET bot_token = :t"), {"t": token})
        connection.execute(text("UPDATE slack_installations SET bot_token = :t"), {"t": token})
    assert token in raw_text_of_every_table(stage)
    restarted = make_installation_store(stage.runtime.engine, stage.runtime.settings)
    assert token not in raw_text_of_every_table(stage)
    assert restarted.find_bot(enterprise_id=None, team_id=ONE).bot_token == token
