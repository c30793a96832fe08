"""Nothing a member writes is lost: answers recovered from Slack's thread (the real `serve`).

Each test runs `practice-bot serve` as its own process against the emulator, stops it the way
a host does (SIGKILL, SIGTERM, or simply not running while members write), and checks what a
member sees afterwards: a ✅ on every on-time answer, reviewers for each, late answers told,
edits and deletions reflected, nothing counted twice.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.db import make_engine, make_session_factory, unit_of_work
from bot.emulator import SlackEmulator
from bot.models import Answer, Channel, PromptPost, ReviewAssignment, ThreadMessage
from tests.reliability.served import (
    ADMIN,
    CHANNEL,
    Served,
    prompt_of,
    workspace,
    writes_blocked,
)

MEMBERS = [f"U0M{i}" for i in range(1, 7)]
COUNTED = "white_check_mark"


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Served]:
    with SlackEmulator() as slack:
        workspace(slack, MEMBERS)
        bot = Served(slack, database_url, tmp_path)
        try:
            yield bot
        finally:
            bot.close()
            # Shown by pytest only when the test fails: what the bot logged.
            print(bot.log.read_text()[-6000:] if bot.log.exists() else "(no serve log)")


def rows(database_url: str, query):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            found = session.execute(query).all()
            session.expunge_all()
            return found
    finally:
        engine.dispose()


def enrol_and_post(bot: Served, answer_window_minutes: int | None = None) -> dict:  # type: ignore[type-arg]
    bot.sender.invite_bot(CHANNEL, ADMIN)
    bot.slack.wait_for(lambda: bot.slack.messages(CHANNEL), timeout=30)  # the welcome
    if answer_window_minutes is not None:  # as `/practice setup` would store it
        engine = make_engine(bot.database_url)
        with engine.begin() as connection:
            connection.execute(update(Channel).values(answer_window_minutes=answer_window_minutes))
        engine.dispose()
    bot.sender.send_command(ADMIN, CHANNEL, "/practice", "now")
    prompt = prompt_of(bot.slack)
    # Members answer once the bot has stored the prompt's ts (a reply in the instant between
    # Slack's answer and that commit is not seen live; recovery at the close finds it).
    bot.slack.wait_for(
        lambda: rows(
            bot.database_url, select(PromptPost.id).where(PromptPost.message_ts.is_not(None))
        ),
        timeout=30,
    )
    return prompt


def answers_close_at(bot: Served) -> datetime:
    ((close,),) = rows(bot.database_url, select(PromptPost.answers_close_at))
    return close


def reviewers_per_answer(bot: Served) -> dict[str, int]:
    query = (
        select(Answer.user_id, func.count(ReviewAssignment.id))
        .join(ReviewAssignment, ReviewAssignment.answer_id == Answer.id, isouter=True)
        .group_by(Answer.user_id)
    )
    return dict(rows(bot.database_url, query))  # type: ignore[arg-type]


def reacted(bot: Served, ts: str) -> list[str]:
    return bot.slack.reactions(CHANNEL, ts).get(COUNTED, [])


@pytest.mark.fault(
    "`serve` killed with SIGKILL (arbiter and worker) while 6 acknowledged thread replies are "
    "still queued in its reply writer (the database held so none is committed), then restarted, "
    "then the assign-reviewers job",
    "the restart recovers the 6 replies from the thread (conversations.replies) and reacts ✅ "
    "once on each; after the job all 6 are answers with 2 reviewers each; none stored or "
    "counted twice",
)
def test_replies_queued_at_sigkill_are_recovered_after_restart(served: Served) -> None:
    bot = served
    bot.start()
    prompt = enrol_and_post(bot)
    with writes_blocked(bot.database_url):
        sent = []
        for user in MEMBERS:
            sent.append(bot.sender.post(user, CHANNEL, f"{user}: test in one market", prompt["ts"]))
            assert bot.sender.last.status == 200  # acknowledged: Slack will not send it again
        bot.kill_all()  # while the writer still waits on the database
    assert rows(bot.database_url, select(ThreadMessage.ts)) == []  # all six lost by the kill

    bot.start()  # start-up recovery reads the open thread
    bot.slack.wait_for(lambda: all(reacted(bot, ts) for ts in sent), timeout=60)
    bot.job("assign-reviewers", answers_close_at(bot) + timedelta(minutes=1))

    assert reviewers_per_answer(bot) == dict.fromkeys(MEMBERS, 2)
    assert sorted(r.ts for r in rows(bot.database_url, select(ThreadMessage.ts))) == sorted(sent)
    reactions = [c.args.get("timestamp") for c in bot.slack.calls_to("reactions.add")]
    assert sorted(reactions) == sorted(sent)  # one ✅ each, never twice


@pytest.mark.fault(
    "SIGTERM to `serve` during a burst of 6 thread replies, all acknowledged and still queued "
    "(the database held until the signal is sent)",
    "the stopping worker drains its reply writer before it exits: all 6 are stored and "
    "reacted to, with no recovery needed",
)
def test_sigterm_during_a_burst_writes_every_acknowledged_reply(served: Served) -> None:
    bot = served
    bot.start()
    prompt = enrol_and_post(bot)
    with writes_blocked(bot.database_url):
        sent = [
            bot.sender.post(user, CHANNEL, f"{user}: my answer", prompt["ts"]) for user in MEMBERS
        ]
        assert bot.process is not None
        bot.process.send_signal(signal.SIGTERM)
    assert bot.stop(signal.SIGTERM) == 0  # already stopping: waits for a clean exit
    stored = rows(bot.database_url, select(ThreadMessage.ts, ThreadMessage.user_id))
    assert sorted(ts for ts, _ in stored) == sorted(sent)
    assert all(reacted(bot, ts) for ts in sent)


@pytest.mark.fault(
    "the bot stopped for two hours of Slack time while members answer, edit, delete and reply "
    "after the close (no event delivered), then restarted and the assign-reviewers job run",
    "the restart reads the thread: on-time answers get their ✅, the edited answer has its new "
    "text, the deleted one is withdrawn, follow-ups counted, answers after the close marked "
    "late by their ts and their authors told; the job assigns reviewers to the on-time "
    "answers only; nothing doubled",
)
def test_two_hours_down_while_members_answer_edit_and_delete(served: Served) -> None:
    bot = served
    slack = bot.slack
    bot.start()
    prompt = enrol_and_post(bot, answer_window_minutes=60)
    posted_at = float(prompt["ts"])
    ana, ben, cy, dee, eli, fay = MEMBERS
    ana_ts = bot.sender.post(ana, CHANNEL, "ana: first draft", prompt["ts"])
    ben_ts = bot.sender.post(ben, CHANNEL, "ben: an answer I will delete", prompt["ts"])
    slack.wait_for(lambda: reacted(bot, ana_ts) and reacted(bot, ben_ts), timeout=60)
    bot.stop(signal.SIGTERM)

    # Two hours of Slack time pass with the bot down: nothing is delivered.
    def at(minutes: int) -> None:
        slack.state.clock = lambda: posted_at + minutes * 60

    at(20)
    cy_ts = bot.sender.post(cy, CHANNEL, "cy: segment first", prompt["ts"], deliver=False)
    bot.sender.edit(ana, CHANNEL, ana_ts, "ana: the final answer", deliver=False)
    bot.sender.delete(CHANNEL, ben_ts, deliver=False)
    at(50)
    dee_ts = bot.sender.post(dee, CHANNEL, "dee: pricing test", prompt["ts"], deliver=False)
    bot.sender.post(cy, CHANNEL, "cy: and a follow-up", prompt["ts"], deliver=False)
    at(90)
    eli_ts = bot.sender.post(eli, CHANNEL, "eli: after the close", prompt["ts"], deliver=False)
    at(120)
    fay_ts = bot.sender.post(fay, CHANNEL, "fay: much later", prompt["ts"], deliver=False)
    slack.state.clock = time.time

    bot.start()
    slack.wait_for(lambda: reacted(bot, cy_ts) and reacted(bot, dee_ts), timeout=60)
    slack.wait_for(lambda: len(slack.ephemerals(channel=CHANNEL)) >= 2, timeout=30)
    bot.job("assign-reviewers", answers_close_at(bot) + timedelta(minutes=1))

    answers = {
        a.user_id: a for (a,) in rows(bot.database_url, select(Answer).order_by(Answer.user_id))
    }
    assert answers[ana].text == "ana: the final answer" and answers[ana].edited_at is not None
    assert answers[ben].withdrawn
    assert answers[cy].message_ts == cy_ts and answers[cy].followups == 1
    assert not answers[dee].late and answers[dee].message_ts == dee_ts
    assert answers[eli].late and answers[fay].late
    assert {e.user for e in slack.ephemerals(channel=CHANNEL)} >= {eli, fay}
    assert not reacted(bot, eli_ts) and not reacted(bot, fay_ts)
    assert reviewers_per_answer(bot) == {ana: 2, ben: 0, cy: 2, dee: 2, eli: 0, fay: 0}
    reactions = [c.args.get("timestamp") for c in slack.calls_to("reactions.add")]
    assert sorted(reactions) == sorted([ana_ts, ben_ts, cy_ts, dee_ts])  # once each
    late_notices = [e.user for e in slack.ephemerals(channel=CHANNEL) if e.user in (eli, fay)]
    assert sorted(late_notices) == [eli, fay]  # told once each
    assert datetime.fromtimestamp(posted_at, UTC) < answers_close_at(bot)
