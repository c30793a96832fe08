"""End-to-end fixtures: the real app over loopback HTTP against the Slack emulator."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.content import Library
from bot.emulator.stage import Stage
from bot.runtime import Runtime
from bot.slack.ingest import PendingReply, ReplyWriter

CHANNEL = "C0PRACTICE"
ADMIN = "U0ADMIN"
CREATOR = "U0CREATOR"
MEMBERS = ("U01ANA", "U02BEN", "U03CHI", "U04DEV")
# OAuth mode: two workspaces, each with a channel and its creator.
ONE, TWO = "T0001", "T0002"
C_ONE, C_TWO = "C0ONE", "C0TWO"
ADA, BO = "U0ADA", "U0BO"


class Handled:
    """The app's work after the ack, for a test to wait on before it asserts that something
    did NOT happen (Bolt acks an event before its listener runs; thread replies are recorded
    later by the reply writer's thread).

    `handled(stage)` returns once every listener Bolt has started so far has returned (with
    the command work they deferred to `runtime.deferred`) and the reply writer has recorded
    everything queued before the call and made the Slack calls of what it recorded (its own
    pool): a positive signal that the work ran, where a fixed sleep only passes when the
    listener is merely slow.
    """

    def __init__(self) -> None:
        self._submitted: list[Future[Any]] = []
        self._recorded: set[str] = set()
        self._changed = threading.Condition()

    def executor(self, *args: Any, **kwargs: Any) -> ThreadPoolExecutor:
        """`Runtime.pool`: a `ThreadPoolExecutor` (Bolt's listeners', the deferred command
        work's, the reply writer's Slack calls') keeping the work handed to it."""
        handled = self

        class Tracked(ThreadPoolExecutor):
            def submit(self, fn: Callable[..., Any], /, *a: Any, **k: Any) -> Future[Any]:
                future = super().submit(fn, *a, **k)
                with handled._changed:
                    handled._submitted.append(future)
                return future

        return Tracked(*args, **kwargs)

    def recording(self, record: Callable[[ReplyWriter, list[PendingReply]], None]) -> Any:
        """`ReplyWriter.record`, noting each batch it finished (the writer is FIFO)."""
        handled = self

        def tracked(writer: ReplyWriter, batch: list[PendingReply]) -> None:
            try:
                record(writer, batch)
            finally:
                with handled._changed:
                    handled._recorded.update(r.delivery_key or "" for r in batch)
                    handled._changed.notify_all()

        return tracked

    def __call__(self, stage: Stage, timeout: float = 10.0) -> None:
        waited = 0
        while True:  # until reaching the writer's queue's end handed no executor more work
            waited = self._wait_submitted(waited, timeout)
            self._reach_writer(stage, timeout)
            with self._changed:
                if len(self._submitted) == waited:
                    return

    def _wait_submitted(self, waited: int, timeout: float) -> int:
        """Wait for the work handed to executors from index `waited` on; the new index."""
        while True:  # until no work handed an executor more work while we waited
            with self._changed:
                pending = self._submitted[waited:]
            if not pending:
                return waited
            _, not_done = wait(pending, timeout)
            assert not not_done, f"{len(not_done)} listener task(s) still running after {timeout} s"
            waited += len(pending)

    def _reach_writer(self, stage: Stage, timeout: float) -> None:
        # A marker after everything queued so far: recorded once the writer reached it. Its
        # thread is no prompt's, so it records nothing itself.
        marker = f"handled:{uuid.uuid4().hex}"
        writer = stage.runtime.reply_writer
        assert writer is not None and writer.offer(
            PendingReply(marker, "", "", "0.000000", "", "0.000000", "", WebClient())
        )
        with self._changed:
            reached = self._changed.wait_for(lambda: marker in self._recorded, timeout)
        assert reached, f"the reply writer did not reach its queue's end within {timeout} s"


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> Handled:
    """Waits for the work after the ack of every stage this test starts (see `Handled`)."""
    tracker = Handled()
    monkeypatch.setattr(Runtime, "pool", staticmethod(tracker.executor))
    monkeypatch.setattr(ReplyWriter, "record", tracker.recording(ReplyWriter.record))
    return tracker


@pytest.fixture
def stage(database_url: str, handled: Handled, library: Library, stack: str) -> Iterator[Stage]:
    """A workspace with an admin, the channel's creator and four members; bot not yet invited.
    The content packs are the test session's, loaded once (`tests/conftest.py`)."""
    with Stage(database_url, migrate=False, library=library, stack=stack) as stage:
        stage.add_member(ADMIN, "ada", tz="Europe/London", admin=True)
        stage.add_member(CREATOR, "cleo", tz="America/New_York")
        for user, tz in zip(
            MEMBERS, ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC"), strict=True
        ):
            stage.add_member(user, user[3:].lower(), tz=tz)
        stage.add_channel(
            CHANNEL, "pmm-practice", creator=CREATOR, members=[ADMIN, CREATOR, *MEMBERS]
        )
        yield stage


@pytest.fixture
def enrolled(stage: Stage) -> Stage:
    """The bot invited by the channel's creator (New York time)."""
    stage.enrol(CHANNEL, inviter=CREATOR)
    return stage


@pytest.fixture
def oauth_stage(
    database_url: str, handled: Handled, library: Library, stack: str
) -> Iterator[Stage]:
    """OAuth mode, two workspaces in Slack (ONE and TWO, a channel in each), neither installed."""
    with Stage(database_url, migrate=False, oauth=True, library=library, stack=stack) as stage:
        state = stage.slack.state
        state.add_team(
            TWO, "Second Co", "second", "xoxb-unused-seed", bot_user_id="UBOT2", bot_id="B0002"
        )
        state.add_user(ADA, "ada", tz="America/New_York", team_id=ONE)
        state.add_user(BO, "bo", tz="America/New_York", team_id=TWO)
        state.add_channel(C_ONE, "practice-one", creator=ADA, members=[ADA], team_id=ONE)
        state.add_channel(C_TWO, "practice-two", creator=BO, members=[BO], team_id=TWO)
        yield stage
