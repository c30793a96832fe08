"""Alembic environment: runs on the models' metadata, batch mode on SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.db import make_engine
from bot.models import SLACK_METADATA, Base

config = context.config
# Two metadata objects are compared: our models, and slack-sdk's installation/state store
# tables (built with slack-sdk's own table builders in bot/models/slack_store.py). Comparing
# them, rather than hiding them with `include_object`, makes `alembic check` catch a slack-sdk
# upgrade that changes its columns. Every constraint in our revisions is named explicitly, so
# the naming convention (which Alembic reads only from a single MetaData) is not needed here.
target_metadata = [Base.metadata, SLACK_METADATA]


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from bot.settings import load_settings

        url = load_settings().database_url
    return url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several instances may run `migrate` at once on release: one at a time.
            connection.execute(text("SELECT pg_advisory_xact_lock(724201)"))
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
