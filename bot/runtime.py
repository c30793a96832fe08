"""The one place that wires the real things together (settings -> database, content, Slack)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.content import Library, load_library
from bot.db import SessionFactory, make_engine, make_session_factory
from bot.settings import Settings
from bot.slack.gateway import SlackGateway


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: SessionFactory
    library: Library
    slack: SlackGateway
    # Listeners read time from here so tests and the demo can run on a simulated clock.
    clock: Callable[[], datetime] = field(default=utc_now)

    def reload_content(self) -> Library:
        self.library = load_library(self.settings.content_dir)
        return self.library

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    library: Library | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Runtime:
    engine = engine or make_engine(settings.database_url)
    installation_store = None
    if settings.oauth:
        from bot.slack.oauth import make_installation_store

        installation_store = make_installation_store(engine, settings)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        library=library or load_library(settings.content_dir),
        slack=SlackGateway(settings, installation_store=installation_store),
        clock=clock,
    )
