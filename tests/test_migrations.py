"""Migrations round-trip (upgrade head, downgrade base, upgrade head) and match the models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from bot.db import make_engine
from bot.migrate import alembic_config, downgrade, upgrade
from bot.models import SLACK_METADATA, Base
from tests.conftest import POSTGRES_SERVER

ALL_TABLES = {t.name for t in Base.metadata.sorted_tables} | {
    t.name for t in SLACK_METADATA.sorted_tables
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (the round trip drops every table)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'roundtrip.db'}"
        return
    name = f"practice_mig_{uuid.uuid4().hex[:10]}"
    admin = make_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_round_trip_and_match_the_models(empty_url: str) -> None:
    upgrade(empty_url)
    assert tables(empty_url) == ALL_TABLES
    command.check(alembic_config(empty_url))  # autogenerate finds nothing to add or drop

    downgrade(empty_url, "base")
    assert tables(empty_url) == set()

    upgrade(empty_url)
    assert tables(empty_url) == ALL_TABLES
    command.check(alembic_config(empty_url))


def test_slack_oauth_tables_come_and_go_with_their_revision(empty_url: str) -> None:
    upgrade(empty_url, "0003")
    assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables(empty_url)
    downgrade(empty_url, "0002")
    assert not {"slack_installations", "slack_bots", "slack_oauth_states"} & tables(empty_url)
    assert "workspaces" in tables(empty_url)
