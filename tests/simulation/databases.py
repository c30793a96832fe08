"""A fresh, migrated database for each simulated run (SQLite file or PostgreSQL)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from bot.db import make_engine
from bot.migrate import upgrade

POSTGRES_SERVER = os.environ.get(
    "PRACTICE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"
)


@contextmanager
def fresh_database(postgres: bool) -> Iterator[str]:
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="practice-sim-") as folder:
            url = f"sqlite:///{Path(folder) / 'sim.db'}"
            upgrade(url)
            yield url
        return
    name = f"practice_sim_{uuid.uuid4().hex[:10]}"
    admin = make_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{POSTGRES_SERVER}/{name}"
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
