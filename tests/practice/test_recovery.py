"""Recovery from the thread follows the live rules and commutes with live events.

A random thread history (people post, edit and delete; some replies after the close) is
played against the database two ways: a random mix of live deliveries (any order, repeated,
some lost) and recoveries (`reconcile_thread` with the thread as Slack showed it at some
moment), in two different orders. The stored answers must not depend on the order; with every
live event delivered, recoveries must change nothing; and a recovery of the final thread alone
(every event lost) must find every answer the thread still shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Answer, Channel
from bot.practice.answers import record_delete, record_edit
from bot.practice.recovery import RecoveryTarget, ThreadReply, reconcile_thread
from tests import builders

BASE = 1_780_000_000
CLOSE_AFTER = 50  # the answer window closes 50 s into the history: later replies are late
USERS = ("U1", "U2", "U3")


def ts_of(second: int) -> str:
    return f"{BASE + second}.000100"


@dataclass(frozen=True)
class Action:
    kind: str  # post | edit | delete
    at: int  # the second it happens (its ts, or the edit's ts)
    user: str
    target: int  # index of the posted message it edits or deletes
    text: str = ""


@st.composite
def histories(draw: Any) -> list[Action]:
    """A thread's history as Slack saw it, one action per second."""
    actions: list[Action] = []
    posted: list[Action] = []
    deleted: set[int] = set()
    for at in range(1, draw(st.integers(1, 8)) * 9, 9):
        alive = [i for i in range(len(posted)) if i not in deleted]
        kind = draw(st.sampled_from(["post", "post", "edit", "delete"] if alive else ["post"]))
        if kind == "post":
            action = Action("post", at, draw(st.sampled_from(USERS)), len(posted), f"a{at}")
            posted.append(action)
        else:
            target = draw(st.sampled_from(alive))
            action = Action(kind, at, posted[target].user, target, f"e{at}")
            if kind == "delete":
                deleted.add(target)
        actions.append(action)
    return actions


def thread_at(history: list[Action], second: int) -> list[ThreadReply]:
    """The thread as `conversations.replies` shows it at `second`."""
    shown: dict[int, ThreadReply] = {}
    for action in history:
        if action.at > second:
            break
        if action.kind == "post":
            shown[action.target] = ThreadReply(action.user, ts_of(action.at), action.text)
        elif action.kind == "edit":
            old = shown[action.target]
            shown[action.target] = ThreadReply(old.user_id, old.ts, action.text, ts_of(action.at))
        else:
            del shown[action.target]
    return list(shown.values())


def apply(session: Session, post: RecoveryTarget, history: list[Action], op: Any) -> None:
    """One operation: ("live", index into history) or ("recover", second of the read)."""
    kind, value = op
    if kind == "recover":
        at = datetime.fromtimestamp(BASE + value + 0.5, tz=UTC)
        reconcile_thread(session, post, thread_at(history, value), at)
    else:
        action = history[value]
        origin = next(a for a in history if a.kind == "post" and a.target == action.target)
        if action.kind == "post":
            builders.reply(session, post, action.user, ts_of(action.at), action.text)
        elif action.kind == "edit":
            record_edit(session, post, action.user, ts_of(origin.at), action.text, ts_of(action.at))
        else:
            record_delete(session, post, ts_of(origin.at), action.user)
    session.commit()


def answers(session: Session, post_id: int) -> dict[str, tuple[Any, ...]]:
    rows = session.scalars(select(Answer).where(Answer.post_id == post_id))
    return {
        a.user_id: (a.message_ts, a.text, a.followups, a.withdrawn, a.late, a.edited_at)
        for a in rows
    }


_day = [date(2030, 1, 1)]


def fresh_post(session: Session) -> RecoveryTarget:
    channel = session.scalar(select(Channel).limit(1)) or builders.channel(session)
    _day[0] += timedelta(days=1)
    p = builders.post(session, channel, _day[0])
    p.answers_close_at = datetime.fromtimestamp(BASE + CLOSE_AFTER, tz=UTC)
    session.commit()
    return RecoveryTarget(p.id, "T1", "C1", p.message_ts or "", p.answers_close_at)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), history=histories())
def test_recovery_and_live_events_commute(
    session: Session, data: Any, history: list[Action]
) -> None:
    end = history[-1].at
    delivered = data.draw(st.lists(st.integers(0, len(history) - 1), max_size=len(history) * 2))
    reads = data.draw(st.lists(st.integers(0, end), max_size=3))
    ops = [("live", i) for i in delivered] + [("recover", s) for s in [*reads, end]]
    first = data.draw(st.permutations(ops))
    second = data.draw(st.permutations(ops))
    results = []
    for order in (first, second):
        post = fresh_post(session)
        for op in order:
            apply(session, post, history, op)
        results.append(answers(session, post.post_id))
    assert results[0] == results[1]

    # Every live event delivered (in Slack's order): recoveries on top change nothing.
    live_only = fresh_post(session)
    for i in range(len(history)):
        apply(session, live_only, history, ("live", i))
    expected = answers(session, live_only.post_id)
    with_reads = fresh_post(session)
    for op in data.draw(st.permutations([("live", i) for i in range(len(history))] + ops)):
        apply(session, with_reads, history, op)
    assert answers(session, with_reads.post_id) == expected

    # Every event lost: one read of the final thread finds every answer it still shows,
    # by the live rules (earliest reply is the answer, edits count, late by ts).
    recovered = fresh_post(session)
    apply(session, recovered, history, ("recover", end))
    found = answers(session, recovered.post_id)
    for user, (message_ts, text, _f, withdrawn, late, _e) in found.items():
        replies = sorted(
            (r for r in thread_at(history, end) if r.user_id == user), key=lambda r: r.ts
        )
        assert message_ts == replies[0].ts and text == replies[0].text and not withdrawn
        assert late == (float(message_ts) > BASE + CLOSE_AFTER)
        if expected.get(user) and not expected[user][3]:  # counted live: the same answer
            assert expected[user] == found[user]
