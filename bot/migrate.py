"""Schema migrations: `alembic upgrade head` on the configured database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.assets import MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in migrations/versions (tests/reliability/test_migrations.py checks it
# is alembic's head): `serve` compares it with the database's without importing alembic.
HEAD = "0016"


def alembic_config(database_url: str) -> Config:
    # Imported here: alembic and the migration scripts take most of a second to load, which
    # `is_at_head` spares a start-up whose database is already migrated.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would read a "%" in a password as a placeholder.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


def is_at_head(database_url: str) -> bool:
    """Whether the database's schema is `HEAD` (False when it cannot tell: then migrate)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:  # no alembic_version table yet, or the database is away
        return False
    finally:
        engine.dispose()
    return [row[0] for row in found] == [HEAD]
