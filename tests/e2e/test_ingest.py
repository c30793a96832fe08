"""The batched reply writer: bursts, Slack's retries, back-pressure and draining on close."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.emulator.stage import Stage
from bot.models import Answer, Delivery, ThreadMessage
from bot.slack import ingest
from bot.slack.answer_receipts import acknowledge
from bot.slack.ingest import PendingReply, ReplyWriter
from tests.e2e.conftest import CHANNEL, MEMBERS
from tests.e2e.reads import NINE_NY, count, post_prompt, scalar


@pytest.mark.both_stacks
def test_a_burst_of_replies_each_sent_twice_is_recorded_once(enrolled: Stage) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    deliveries = count(stage, Delivery)
    sent = []
    for round_ in range(3):
        for user in MEMBERS:
            ts = stage.sender.post(user, CHANNEL, f"reply {round_} from {user}", thread_ts=thread)
            sent.append((ts, stage.sender.last))
    for _, response in sent:
        assert stage.sender.resend(response, retry_num=1).status == 200
    stage.slack.wait_for(lambda: count(stage, ThreadMessage) == len(sent))
    stage.slack.wait_for(lambda: len(stage.slack.calls_to("reactions.add")) == len(MEMBERS))
    stage.runtime.reply_writer.close()  # drain: nothing left in flight
    assert count(stage, Answer) == len(MEMBERS)
    assert count(stage, Delivery) == deliveries + len(sent)
    for ts, _ in sent[: len(MEMBERS)]:  # each member's first reply is their answer
        assert stage.slack.reactions(CHANNEL, ts) == {"white_check_mark": ["UBOT"]}
    assert len(stage.slack.calls_to("reactions.add")) == len(MEMBERS)
    followups = scalar(stage, select(func.min(Answer.followups)))
    assert followups == 2


def _pending(thread: str, user: str, ts: str, stage: Stage) -> PendingReply:
    return PendingReply(
        delivery_key=f"event:test-{ts}",
        team_id=stage.sender.team_id,
        channel_id=CHANNEL,
        thread_ts=thread,
        user_id=user,
        ts=ts,
        text=f"answer {ts}",
        client=stage.runtime.slack.single_client,
    )


def test_close_drains_the_queue_and_a_full_queue_records_inline(
    enrolled: Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    base = int(float(thread)) + 60
    monkeypatch.setattr(ingest, "SUBMIT_WAIT", 0.0)  # no waiting for room: record at once
    for queue_size in (1_000, 1):  # everything queued, then mostly recorded by the caller
        writer = ReplyWriter(stage.runtime, acknowledge, max_batch=7, queue_size=queue_size)
        before = count(stage, ThreadMessage)
        for i in range(40):
            user = MEMBERS[i % len(MEMBERS)]
            writer.submit(_pending(thread, user, f"{base + i}.{queue_size:06d}", stage))
        writer.close()
        assert count(stage, ThreadMessage) == before + 40
        writer.submit(_pending(thread, MEMBERS[0], f"{base + 99}.{queue_size:06d}", stage))
        assert count(stage, ThreadMessage) == before + 41  # after close: recorded inline
    assert count(stage, Answer) == len(MEMBERS)


@pytest.mark.both_stacks
def test_a_reply_the_ack_path_cannot_queue_is_recorded_by_the_listener(enrolled: Stage) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    stage.runtime.reply_writer.close()  # a closed queue takes nothing: the listener records
    messages, deliveries = count(stage, ThreadMessage), count(stage, Delivery)
    ts = stage.sender.post(MEMBERS[0], CHANNEL, "an answer", thread_ts=thread)
    assert stage.sender.last.status == 200
    stage.slack.wait_for(
        lambda: stage.slack.reactions(CHANNEL, ts) == {"white_check_mark": ["UBOT"]}
    )
    assert count(stage, ThreadMessage) == messages + 1
    assert count(stage, Delivery) == deliveries + 1  # claimed under the listener's own key


def _busy(tmp_path: Path) -> OperationalError:
    """A real "database is locked" (SQLITE_BUSY), as a lock timeout raises it."""
    path = str(tmp_path / "locked.db")
    holder, waiter = sqlite3.connect(path, timeout=0), sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        waiter.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return OperationalError("BEGIN IMMEDIATE", None, exc)
    finally:
        holder.close()
        waiter.close()
    raise AssertionError("the second writer got the lock")


def test_a_reply_the_database_was_too_busy_for_is_recorded_once_after_backing_off(
    enrolled: Stage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    busy = _busy(tmp_path)
    real = ingest.record_thread_replies
    calls: list[int] = []

    def flaky(*args: Any) -> Any:
        # The first reply: the database busy twice, then written. The second: written, but
        # the commit's answer lost (a dropped connection), so the writer tries it again.
        calls.append(1)
        if len(calls) <= 2:
            raise busy
        done = real(*args)
        if len(calls) == 4:
            raise busy
        return done

    monkeypatch.setattr(ingest, "record_thread_replies", flaky)
    slept: list[float] = []
    writer = ReplyWriter(stage.runtime, acknowledge, sleep=slept.append)
    writer.close()  # closed: each submit records in this thread, one reply per attempt
    messages = count(stage, ThreadMessage)
    base = int(float(thread)) + 60
    sent = [f"{base + i}.000100" for i in range(len(MEMBERS))]
    for ts, user in zip(sent, MEMBERS, strict=True):
        writer.submit(_pending(thread, user, ts, stage))
    assert slept == [ingest.RETRY_FIRST, 2 * ingest.RETRY_FIRST, ingest.RETRY_FIRST]
    assert count(stage, ThreadMessage) == messages + len(MEMBERS)  # each written once
    assert count(stage, Answer) == len(MEMBERS)
    # Each answer reacted to at most once: the second one's was claimed in the lost commit.
    reacted = [call.args["timestamp"] for call in stage.slack.calls_to("reactions.add")]
    assert reacted == [sent[0], *sent[2:]]


def test_the_writer_records_on_while_slack_is_slow_and_close_waits_for_slack(
    enrolled: Stage,
) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    release = threading.Event()
    acknowledged: list[str] = []

    def slow(*args: Any) -> None:
        release.wait(10)  # Slack answering slowly (or a Retry-After) for every answer
        acknowledge(*args)
        acknowledged.append(args[3].message_ts)

    writer = ReplyWriter(stage.runtime, slow, max_batch=1)
    messages = count(stage, ThreadMessage)
    base = int(float(thread)) + 60
    sent = [f"{base + i}.000100" for i in range(len(MEMBERS))]
    for ts, user in zip(sent, MEMBERS, strict=True):
        assert writer.offer(_pending(thread, user, ts, stage))
    # One batch per reply, each a new answer: all written while no Slack call has returned.
    stage.slack.wait_for(lambda: count(stage, ThreadMessage) == messages + len(MEMBERS))
    assert acknowledged == []
    release.set()
    writer.close()  # returns once the Slack calls handed off are made
    assert sorted(acknowledged) == sent
    reacted = [call.args["timestamp"] for call in stage.slack.calls_to("reactions.add")]
    assert sorted(reacted) == sent  # once each


def test_a_listener_waits_for_room_in_a_full_queue_and_the_writer_records_its_reply(
    enrolled: Stage, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    real = ingest.record_thread_replies
    started, release = threading.Event(), threading.Event()
    recorded_by: dict[str, str] = {}

    def held(sessions: Any, posts: Any, replies: Any, now: Any) -> Any:
        if threading.current_thread().name == "reply-writer":
            started.set()
            release.wait(10)  # the writer is slow with its batch
        for reply in replies:
            recorded_by[reply.ts] = threading.current_thread().name
        return real(sessions, posts, replies, now)

    monkeypatch.setattr(ingest, "record_thread_replies", held)
    base = int(float(thread)) + 60
    replies = [_pending(thread, MEMBERS[i % 4], f"{base + i}.000100", stage) for i in range(6)]

    def full_queue() -> ReplyWriter:
        """A writer busy with one reply, and a full queue behind it."""
        started.clear()
        release.clear()
        writer = ReplyWriter(stage.runtime, acknowledge, queue_size=1)
        assert writer.offer(replies.pop(0))
        assert started.wait(5)  # the writer took it and is held
        assert writer.offer(replies.pop(0))
        assert not writer.offer(replies[0])
        return writer

    writer = full_queue()
    waiting = replies.pop(0)
    listener = threading.Thread(target=writer.submit, args=(waiting,))
    listener.start()
    release.set()
    listener.join(10)
    assert not listener.is_alive()
    writer.close()
    assert recorded_by[waiting.ts] == "reply-writer"  # in a batch, not alone by the listener

    monkeypatch.setattr(ingest, "SUBMIT_WAIT", 0.0)  # room for no one, for no time
    writer = full_queue()
    alone = replies.pop(0)
    writer.submit(alone)
    assert recorded_by[alone.ts] == threading.current_thread().name  # recorded by the caller
    release.set()
    writer.close()
    assert sorted(recorded_by) == sorted(f"{base + i}.000100" for i in range(6))
