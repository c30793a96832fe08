"""A stage: the real app, served in-process over loopback HTTP, against the Slack emulator.

Used by the end-to-end tests, the demo and the benchmark. Everything is real except Slack:
settings, Bolt with request signatures, the WSGI adapter, the database, the jobs. Time is
simulated: the runtime's clock and the emulator's message timestamps follow `stage.now`.
"""

from __future__ import annotations

import http.client
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.assets import DEFAULT_CONTENT_DIR
from bot.content import Library
from bot.content.fingerprint import content_fingerprint
from bot.emulator.sender import SlackSender
from bot.emulator.served import AsgiServed, Served, WsgiServed
from bot.emulator.server import SlackEmulator
from bot.emulator.state import DEFAULT_BOT_USER_ID, DEFAULT_TEAM_ID, DEFAULT_TOKEN
from bot.jobs import JobResult, run_job
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.app import build_app
from bot.startup import serving_runtime
from bot.web import make_wsgi

SIGNING_SECRET = "stage-signing-secret"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "stage-client-secret"
# A fixed test key for the tokens stored in OAuth mode (TOKEN_ENCRYPTION_KEYS).
TOKEN_KEY = "c3RhZ2UtdG9rZW4ta2V5LW5vdC1mb3ItcHJvZC11c2U="
CONTENT_DIR = DEFAULT_CONTENT_DIR
# A Monday morning before the default 09:00 post time, in UTC.
DEFAULT_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: str
    headers: list[tuple[str, str]]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)


class Stage:
    """`with Stage(database_url) as stage:` the app is up; `stage.sender` plays Slack's side."""

    def __init__(
        self,
        database_url: str,
        *,
        start: datetime = DEFAULT_START,
        content_dir: Path = CONTENT_DIR,
        migrate: bool = True,
        oauth: bool = False,
        settings: dict[str, Any] | None = None,
        library: Library | None = None,
        stack: str = "wsgi",
    ) -> None:
        self.database_url = database_url
        # "wsgi": `make_wsgi` (what gunicorn serves); "asgi": the `AsyncApp` variant (bot/asgi.py).
        self.stack = stack
        # Settings a test changes (`Stage(url, settings={"user_rate_limit": 3})`).
        self.overrides = dict(settings or {})
        # The content packs, loaded once and kept across `restart` (and shared by the caller's
        # stages, when it passes them in): they never change while a stage runs.
        self._library = library
        self._content_version: tuple[int, int] | None = None
        # OAuth mode: no bot token; workspaces install through /slack/install (`install`).
        self.oauth = oauth
        self.content_dir = content_dir
        self.migrate = migrate
        self._now = start
        self._lock = threading.Lock()
        self.slack = SlackEmulator()
        self.runtime: Runtime
        self.sender: SlackSender
        self._served: Served | None = None

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
        return replace(self._settings(), **self.overrides)

    def _settings(self) -> Settings:
        return Settings(
            bot_token=None if self.oauth else DEFAULT_TOKEN,
            client_id=CLIENT_ID if self.oauth else None,
            client_secret=CLIENT_SECRET if self.oauth else None,
            token_keys=(TOKEN_KEY,) if self.oauth else (),
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
        self._start_app()
        return self

    def restart(self) -> None:
        """The process killed and started again: everything in memory (runtime, pools, the reply
        writer's queue, caches) is dropped and rebuilt from the database; Slack (the emulator)
        lives on. Work queued but not yet written is lost, as it would be."""
        self._stop_app()
        self._start_app()

    def _start_app(self) -> None:
        settings = self.settings()
        self.runtime = serving_runtime(settings, library=self._library, clock=self.now)
        if self._content_version is None:
            if self._library is not None:  # handed in: bootstrap left its version unset
                self.runtime.content_version = content_fingerprint(settings.content_dir)
            self._library = self.runtime.library
            self._content_version = self.runtime.content_version
        else:
            self.runtime.content_version = self._content_version
        app = build_app(self.runtime)
        wsgi = make_wsgi(app, self.runtime)
        if self.stack == "asgi":
            from bot.asgi import make_asgi
            from bot.slack.async_app import build_async_app

            self._served = AsgiServed(make_asgi(build_async_app(self.runtime, app), wsgi))
        else:
            self._served = WsgiServed(wsgi)
        self.sender = SlackSender(self.url, SIGNING_SECRET, self.slack)

    def _stop_app(self) -> None:
        if self._served is not None:
            self._served.stop()
            self._served = None
        if hasattr(self, "runtime"):
            self.runtime.close()

    def stop(self) -> None:
        self._stop_app()
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
        assert self._served is not None
        return f"http://127.0.0.1:{self._served.port}/slack/events"

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
        # Generous: every e2e test starts here, and a loaded CI machine (2 cores, load 14)
        # has taken over 3 s for the welcome's three Web API calls.
        self.slack.wait_for(lambda: len(self.slack.messages(channel_id)) > before, timeout=10)

    # --- OAuth installs (oauth=True) ----------------------------------------------------
    def get(
        self, path: str, *, cookie: str | None = None, headers: dict[str, str] | None = None
    ) -> HttpReply:
        """GET a path of the app, as a browser would (redirects are not followed)."""
        connection = http.client.HTTPConnection("127.0.0.1", urlsplit(self.url).port, timeout=10)
        sent = dict(headers or {}, **({"Cookie": cookie} if cookie else {}))
        try:
            connection.request("GET", path, headers=sent)
            reply = connection.getresponse()
            body = reply.read().decode("utf-8", errors="replace")
            got = [(k.lower(), v) for k, v in reply.getheaders()]
            return HttpReply(reply.status, body, got)
        finally:
            connection.close()

    def install(self, team_id: str, *, rotating: bool = False) -> HttpReply:
        """Install the app into `team_id` as its admin would: /slack/install, then Slack's
        authorize page (approved at once), then /slack/oauth_redirect with a fresh code."""
        start = self.get("/slack/install")
        if start.status != 302:
            raise AssertionError(f"/slack/install answered {start.status}: {start.body[:200]}")
        authorize = urlsplit(start.header("location") or "")
        state = parse_qs(authorize.query)["state"][0]
        cookie = (start.header("set-cookie") or "").split(";", 1)[0]
        code = f"code-{team_id}-{uuid.uuid4().hex[:8]}"
        self.slack.state.add_oauth_code(code, team_id, rotating=rotating)
        return self.get(f"/slack/oauth_redirect?code={code}&state={state}", cookie=cookie)

    def sender_for(self, team_id: str) -> SlackSender:
        """A sender playing Slack's side for another workspace (`state.add_team` first)."""
        return SlackSender(self.url, SIGNING_SECRET, self.slack, team_id=team_id)

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
