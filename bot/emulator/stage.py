"""A stage: the real app, served in-process over loopback HTTP, against the Slack emulator.

Used by the end-to-end tests, the demo and the benchmark. Everything is real except Slack:
settings, Bolt with request signatures, the WSGI adapter, the database, the jobs. Time is
simulated: the runtime's clock and the emulator's message timestamps follow `stage.now`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.emulator.sender import SlackSender
from bot.emulator.server import SlackEmulator
from bot.emulator.state import DEFAULT_BOT_USER_ID, DEFAULT_TEAM_ID, DEFAULT_TOKEN
from bot.jobs import JobResult, run_job
from bot.runtime import Runtime, bootstrap
from bot.settings import Settings
from bot.slack.app import build_app
from bot.web import make_wsgi

SIGNING_SECRET = "stage-signing-secret"
CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
# A Monday morning before the default 09:00 post time, in UTC.
DEFAULT_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

log = logging.getLogger(__name__)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Per-request lines would drown the test output."""


class Stage:
    """`with Stage(database_url) as stage:` the app is up; `stage.sender` plays Slack's side."""

    def __init__(
        self,
        database_url: str,
        *,
        start: datetime = DEFAULT_START,
        content_dir: Path = CONTENT_DIR,
        migrate: bool = True,
    ) -> None:
        self.database_url = database_url
        self.content_dir = content_dir
        self.migrate = migrate
        self._now = start
        self._lock = threading.Lock()
        self.slack = SlackEmulator()
        self.runtime: Runtime
        self.sender: SlackSender
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    # --- time --------------------------------------------------------------------------
    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set_time(self, when: datetime) -> None:
        with self._lock:
            self._now = when

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    # --- lifecycle -----------------------------------------------------------------------
    def settings(self) -> Settings:
        return Settings(
            bot_token=DEFAULT_TOKEN,
            signing_secret=SIGNING_SECRET,
            database_url=self.database_url,
            slack_api_url=self.slack.api_url,
            content_dir=self.content_dir,
            scheduler=False,
        )

    def start(self) -> Stage:
        self.slack.start()
        self.slack.state.clock = lambda: self.now().timestamp()
        settings = self.settings()
        if self.migrate:
            from bot.migrate import upgrade

            upgrade(settings.database_url)
        self.runtime = bootstrap(settings, clock=self.now)
        app = build_app(self.runtime)
        self._server = make_server(
            "127.0.0.1",
            0,
            make_wsgi(app, self.runtime),
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.sender = SlackSender(self.url, SIGNING_SECRET, self.slack)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
        if hasattr(self, "runtime"):
            self.runtime.close()
        self.slack.stop()

    def __enter__(self) -> Stage:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/slack/events"

    @property
    def base_url(self) -> str:
        return self.url.removesuffix("/slack/events")

    # --- the workspace ---------------------------------------------------------------------
    team_id = DEFAULT_TEAM_ID
    bot_user_id = DEFAULT_BOT_USER_ID

    def add_member(self, user_id: str, name: str, *, tz: str = "UTC", admin: bool = False) -> None:
        self.slack.state.add_user(user_id, name, tz=tz, is_admin=admin)

    def add_channel(self, channel_id: str, name: str, *, creator: str, members: list[str]) -> None:
        self.slack.state.add_channel(channel_id, name, creator=creator, members=members)

    def enrol(self, channel_id: str, *, inviter: str) -> None:
        """Invite the bot to the channel, as a person would, and wait for the welcome."""
        before = len(self.slack.messages(channel_id))
        self.sender.invite_bot(channel_id, inviter)
        self.slack.wait_for(lambda: len(self.slack.messages(channel_id)) > before)

    # --- jobs ------------------------------------------------------------------------------
    def run_job(
        self, name: str, at: datetime | None = None, channel: str | None = None
    ) -> JobResult:
        """Run a due-work job as `practice-bot job NAME --at AT` does; moves the clock to AT."""
        if at is not None:
            self.set_time(at)
        return run_job(self.runtime, name, self.now(), channel)

    @contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        previous = self.now()
        self.set_time(when)
        try:
            yield
        finally:
            self.set_time(max(previous, self.now()))
