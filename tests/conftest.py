"""Shared fixtures: real databases (a SQLite file; PostgreSQL when switched on), a clock.

PostgreSQL tests run when PRACTICE_TEST_POSTGRES=1 (CI sets it): then an unreachable server
is a failure, not a skip. PRACTICE_TEST_POSTGRES_URL names the server (default: local).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bot.content import Library, load_library
from bot.db import SessionFactory, make_engine, make_session_factory
from bot.emulator.blockkit import check_calls, check_stored_views
from bot.emulator.stage import Stage
from bot.migrate import upgrade
from bot.models import SLACK_METADATA, Base
from bot.transaction_guard import ENV as GUARD_ENV
from bot.transaction_guard import install as install_transaction_guard
from bot.transaction_guard import take_violations

CONTENT = Path(__file__).resolve().parents[1] / "content"

POSTGRES_ON = os.environ.get("PRACTICE_TEST_POSTGRES") == "1"
POSTGRES_SERVER = os.environ.get(
    "PRACTICE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"
)


# The transaction guard is on for the whole suite: a Slack call from a thread that holds an
# open database transaction fails the test, in this process and in the processes tests start
# (they inherit the environment variable and append their violations to this file).
GUARD_FILE = Path(tempfile.mkdtemp(prefix="txguard-")) / "violations.log"
os.environ[GUARD_ENV] = str(GUARD_FILE)
install_transaction_guard()


@pytest.fixture(autouse=True)
def no_slack_call_inside_a_transaction() -> Iterator[None]:
    take_violations()
    GUARD_FILE.unlink(missing_ok=True)
    yield
    found = take_violations()
    if GUARD_FILE.exists():
        found += GUARD_FILE.read_text().splitlines()
    if found:
        distinct = sorted(set(found))
        pytest.fail(f"{len(found)} Slack call(s) inside a transaction:\n" + "\n".join(distinct))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_ON:
        return
    skip = pytest.mark.skip(reason="PostgreSQL tests are off (set PRACTICE_TEST_POSTGRES=1)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# The HTTP surface the stages serve: "wsgi" (`practice-bot serve`'s app) unless a test is marked
# `both_stacks`, which runs it on the `AsyncApp` variant (bot/asgi.py) too.
# PRACTICE_TEST_STACK=asgi runs every end-to-end test on the variant.
STACK = os.environ.get("PRACTICE_TEST_STACK", "wsgi")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("both_stacks") and STACK == "wsgi":
        metafunc.parametrize("stack", ["wsgi", "asgi"])


@pytest.fixture
def stack() -> str:
    return STACK


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped at the end."""
    name = f"practice_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable while switched on: fail loudly, never skip
        admin.dispose()
        pytest.fail(f"PostgreSQL tests are on but the server is unreachable: {exc}")
    url = f"{POSTGRES_SERVER}/{name}"
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(engine: Engine) -> None:
    everything = [*Base.metadata.sorted_tables, *SLACK_METADATA.sorted_tables]
    tables = ", ".join(f'"{t.name}"' for t in everything)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, and PostgreSQL when switched on."""
    if request.param == "sqlite":
        path = tmp_path / "practice.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _truncate_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "practice.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> SessionFactory:
    return make_session_factory(engine)


@pytest.fixture
def session(sessions: SessionFactory) -> Iterator[Session]:
    with sessions() as session:
        yield session
        session.rollback()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture(scope="session")
def library() -> Library:
    """The repository's content packs, loaded once."""
    return load_library(CONTENT)


@pytest.fixture(autouse=True)
def block_kit_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every Web API call of every stage a test opens (end-to-end, reliability, the demo) keeps
    Slack's Block Kit limits and cuts nothing silently (bot/emulator/blockkit.py)."""
    opened: list[Stage] = []
    enter = Stage.__enter__

    def recording_enter(self: Stage) -> Stage:
        opened.append(self)
        return enter(self)

    monkeypatch.setattr(Stage, "__enter__", recording_enter)
    yield
    problems = []
    for stage in opened:
        problems += check_calls(list(stage.slack.calls))
        with stage.slack.state.lock:
            views = [record.view for record in stage.slack.state.views.values()]
        problems += check_stored_views(views)
    assert not problems, "Block Kit problems:\n" + "\n".join(problems[:20])


@dataclass(frozen=True)
class DemoRun:
    transcript: str
    out: Path


@pytest.fixture
def demo(tmp_path: Path) -> DemoRun:
    """`practice-bot demo`, run for this test (so the Block Kit and transaction checks above
    cover it): its transcript and the folder it wrote."""
    from bot.demo import run_demo

    out, stream = tmp_path / "out", io.StringIO()
    assert run_demo(out, stream=stream) == 0
    return DemoRun(stream.getvalue(), out)
