"""Requests for the same week's standings that queue behind one another share one tally, and
only one begun after they arrived (bot/services/shared_weeks.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.models import PromptPost
from bot.practice.leaderboard.week import TOP
from bot.services import leaderboards
from bot.services.shared_weeks import SHARED
from tests import builders as b
from tests.conftest import utc

MON = date(2026, 3, 2)
NOW = utc(2026, 3, 4, 12)
ANSWERERS = [f"u{i:02d}" for i in range(TOP + 4)]  # four of them rank below the top


def week_with_reviews(session: Session) -> SessionFactory:
    ch = b.channel(session)
    post = b.post(session, ch, MON)
    for i, user in enumerate(ANSWERERS):
        answer = b.answer(session, post, user, minutes=i)
        for reviewer in ("rev1", "rev2"):
            b.review(session, answer, reviewer, {"focus": 1 + i % 5, "rollout": 5 - i % 5})
    session.commit()
    return b.sessions_like(session)


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def counting_tallies(monkeypatch: pytest.MonkeyPatch, after: Callable[[int], None]) -> list[int]:
    """Every tally the service makes still runs; `after(n)` runs once the n-th is done."""
    made: list[int] = []
    real = leaderboards.tally_week

    def tally(*args: Any, **kwargs: Any) -> Any:
        week = real(*args, **kwargs)
        made.append(1)
        after(len(made))
        return week

    monkeypatch.setattr(leaderboards, "tally_week", tally)
    return made


def ask(sessions: SessionFactory, library: Any, caller: str, into: dict[str, Any]) -> None:
    into[caller] = leaderboards.standings(
        sessions, "T1", "C1", NOW, last=False, library=library, caller=caller
    )


def shown(found: Any, user: str) -> tuple[Any, ...]:
    row = found.week.row(user)
    return row.rank, row.points, row.criteria, [line.reviewers for line in row.answer_lines]


def test_requests_queued_together_share_one_tally_and_each_sees_its_own_row(
    session: Session, library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = week_with_reviews(session)
    alone = {}
    for caller in ANSWERERS:
        ask(sessions, library, caller, alone)  # one at a time: a tally each
    made = counting_tallies(monkeypatch, lambda n: None)
    found: dict[str, Any] = {}
    callers = ANSWERERS[-6:]  # the last four rank below the top
    with leaderboards._TALLYING:  # a tally in progress: everyone queues
        threads = [
            threading.Thread(target=ask, args=(sessions, library, c, found)) for c in callers
        ]
        for t in threads:
            t.start()
        until(lambda: SHARED.queued == len(callers))
    for t in threads:
        t.join(timeout=10)
    assert len(made) == 1  # one tally for six requests
    for caller in callers:
        # Each caller's own row in full, wherever it ranks, as a tally of their own shows it.
        assert shown(found[caller], caller) == shown(alone[caller], caller)
        assert found[caller].week.rows[TOP].rank > TOP
    # One caller's row read for them is not written into what the others got.
    below = [c for c in callers if found[c].week.row(c).rank > TOP]
    assert len(below) >= 2
    first, other = below[0], below[1]
    assert found[other].week.row(first).criteria == {}
    assert SHARED.queued == 0 and SHARED.kept == 0  # nothing kept once nobody waits


def test_a_request_that_arrives_after_a_tally_began_gets_a_new_one(
    session: Session, library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = week_with_reviews(session)
    first_done, go_on = threading.Event(), threading.Event()

    def hold_the_first(n: int) -> None:
        if n == 1:
            first_done.set()
            go_on.wait(10)

    made = counting_tallies(monkeypatch, hold_the_first)
    found: dict[str, Any] = {}
    early = [
        threading.Thread(target=ask, args=(sessions, library, c, found)) for c in ANSWERERS[:2]
    ]
    with leaderboards._TALLYING:
        for t in early:
            t.start()
        until(lambda: SHARED.queued == 2)
    assert first_done.wait(10)  # the first tally has read the week
    with sessions() as writer:  # an answer lands after that tally began
        b.answer(writer, writer.scalars(select(PromptPost)).one(), "late", minutes=30)
        writer.commit()
    late = threading.Thread(target=ask, args=(sessions, library, "late", found))
    late.start()
    until(lambda: SHARED.queued == 3)
    go_on.set()
    for t in [*early, late]:
        t.join(timeout=10)
    assert len(made) == 2  # the two early requests shared one; the late one made its own
    assert all(found[c].week.row("late") is None for c in ANSWERERS[:2])
    assert found["late"].week.row("late") is not None
