"""The one place that wires the real things together (settings -> database, content, Slack)."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.content import Library, load_library
from bot.content.fingerprint import content_fingerprint
from bot.db import SessionFactory, make_engine, make_session_factory
from bot.practice.posting import ThreadPosts
from bot.settings import Settings
from bot.slack.adapters import SlackAdapters
from bot.slack.gateway import SlackGateway

if TYPE_CHECKING:
    from slack_bolt import BoltContext

    from bot.slack.ingest import ReplyWriter

log = logging.getLogger(__name__)

# Threads for command work done after the ack (see `Runtime.defer`).
DEFERRED_WORKERS = 8
# Bolt's listener threads (its own default when it makes the pool itself).
LISTENER_WORKERS = 5


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: SessionFactory
    library: Library
    slack: SlackGateway
    # The domain's ports with the Web API, built once (`SlackAdapters.of(slack)`).
    adapters: SlackAdapters
    # Listeners read time from here so tests and the demo can run on a simulated clock.
    clock: Callable[[], datetime] = field(default=utc_now)
    content_version: tuple[int, int] = (0, 0)
    # The reply path's post lookups, cached for this process (and this database).
    thread_posts: ThreadPosts = field(default_factory=ThreadPosts)
    # The batched writer of thread replies (`bot/slack/ingest.py`): a process that serves
    # Slack's events has one (`bot.startup.serving_runtime`); a one-shot job does not.
    reply_writer: ReplyWriter | None = None
    # Slow command work runs here after the ack, so Bolt's small listener pool stays free to
    # ack the next requests (a queued ack is what a slow listener otherwise costs).
    deferred: ThreadPoolExecutor = field(
        default_factory=lambda: Runtime.pool(DEFERRED_WORKERS, "after-ack")
    )

    @staticmethod
    def pool(workers: int, name: str) -> ThreadPoolExecutor:
        """A pool for work done after the ack: Bolt's listeners, deferred command work, the
        reply writer's Slack calls. Every such pool is made here, so the tests can wait for
        that work to finish before they assert that something did not happen."""
        return ThreadPoolExecutor(workers, thread_name_prefix=name)

    def defer(self, work: Callable[[], object], on_error: Callable[[], object]) -> None:
        """Run `work` after the ack; a failure is logged with its traceback, then `on_error`."""

        def run() -> None:
            try:
                work()
            except Exception:
                log.exception("deferred command work failed")
                try:
                    on_error()
                except Exception:
                    log.warning("could not report the failure to the user", exc_info=True)

        self.deferred.submit(run)

    def reload_content(self) -> Library:
        self.content_version = content_fingerprint(self.settings.content_dir)
        self.library = load_library(self.settings.content_dir)
        return self.library

    def reload_content_if_changed(self) -> bool:
        """Reload packs when files under CONTENT_DIR changed (or `content reload` ran)."""
        if content_fingerprint(self.settings.content_dir) == self.content_version:
            return False
        self.reload_content()
        return True

    def close(self) -> None:
        self.deferred.shutdown(wait=True)
        if self.reply_writer is not None:
            self.reply_writer.close()  # drain queued replies while the engine still works
        self.engine.dispose()


# The collector's youngest generation is examined after this many new container objects
# (Python's default: 700). A weekly tally of a 5,000-member channel makes about 100,000 (result
# rows, answer lines, dicts), nearly all freed by reference counting alone; at 700 the
# collector ran 140 times during it, a full collection among them, a fifth of the tally's time
# (bench/leaderboard.py: 166 -> 132 ms at a year of history, PostgreSQL). Cycles are still
# collected, a little later.
GC_YOUNGEST = 10_000


def tune_gc() -> None:
    """The process's garbage-collection thresholds, set by every process `bootstrap` starts."""
    youngest, middle, oldest = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNGEST, youngest), middle, oldest)


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    library: Library | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Runtime:
    tune_gc()
    engine = engine or make_engine(settings.database_url)
    installation_store = None
    if settings.oauth:
        from bot.slack.oauth import make_installation_store

        installation_store = make_installation_store(engine, settings)
    slack = SlackGateway(settings, installation_store=installation_store)
    sessions = make_session_factory(engine)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        library=library or load_library(settings.content_dir),
        slack=slack,
        adapters=SlackAdapters.of(slack, sessions, clock),
        clock=clock,
    )
    if library is None:
        runtime.content_version = content_fingerprint(settings.content_dir)
    return runtime


def runtime_of(context: BoltContext) -> Runtime:
    """The `Runtime` the app's middleware put in every request's context (`bot/slack/app.py`)."""
    runtime = context["runtime"]
    assert isinstance(runtime, Runtime)
    return runtime
