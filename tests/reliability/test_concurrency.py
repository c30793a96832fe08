"""Many writers at once: concurrent votes, and eight SQLite writers (threads and processes)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from bot.content import load_library
from bot.db import SessionFactory, make_engine, make_session_factory, read_only, unit_of_work
from bot.models import Answer, Delivery, PromptPost, ThreadMessage, Vote
from bot.practice.deliveries import claim_delivery
from bot.practice.reviews.votes import record_scores
from tests import builders
from tests.at_once import run_at_once
from tests.conftest import CONTENT, utc

POSTED = utc(2026, 3, 2, 9)
SCORING = utc(2026, 3, 2, 20)  # answers closed at 15:00, reviews close tomorrow 09:00
CRITERIA = [c.id for c in load_library(CONTENT).packs["pmm"].rubric]


def make_post(session: Session) -> PromptPost:
    post = builders.post(session, builders.channel(session), POSTED.date())
    session.commit()
    return post


@pytest.mark.fault(
    "50 concurrent score submissions on one answer (25 reviewers, each submitting twice at "
    "once) plus its author trying to score it",
    "no error, exactly one vote per reviewer and criterion, each one of that reviewer's "
    "submissions; the author's own score refused",
)
def test_fifty_concurrent_votes_on_one_answer(sessions: SessionFactory) -> None:
    reviewers = [f"UR{i:02d}" for i in range(25)]
    with unit_of_work(sessions) as session:
        post = make_post(session)
        ts = f"{(POSTED + timedelta(minutes=5)).timestamp():.6f}"
        answer = builders.replied_answer(session, post, "UAUTHOR", ts, "Launch in one market.")
        assert answer is not None
        for reviewer in [*reviewers, "UAUTHOR"]:
            builders.review(session, answer, reviewer, challenge=None)
        session.commit()
        answer_id = answer.id
    results: list[tuple[str, int, bool]] = []
    lock = threading.Lock()

    def vote(reviewer: str, score: int) -> Callable[[], None]:
        def work() -> None:
            with unit_of_work(sessions) as session:
                result = record_scores(
                    session,
                    answer_id,
                    reviewer,
                    dict.fromkeys(CRITERIA, score),
                    None,
                    SCORING,
                    criteria=CRITERIA,
                )
                session.commit()
            with lock:
                results.append((reviewer, score, result.ok))

        return work

    workers = [vote(r, s) for r in reviewers for s in (2, 5)]
    workers.append(vote("UAUTHOR", 5))
    assert run_at_once(workers) == []
    assert ("UAUTHOR", 5, False) in results
    assert sum(1 for _, _, ok in results if ok) == 50
    with unit_of_work(sessions) as session:
        votes = list(
            session.execute(select(Vote.reviewer_id, Vote.score).where(Vote.answer_id == answer_id))
        )
    assert len(votes) == len(reviewers) * len(CRITERIA)
    assert "UAUTHOR" not in {who for who, _ in votes}
    for reviewer in reviewers:
        theirs = {score for who, score in votes if who == reviewer}
        assert len(theirs) == 1 and theirs <= {2, 5}  # one whole submission won, not a mix


def _writer(url: str, post_id: int, worker: int, rounds: int) -> None:
    """One writer: replies in the thread and delivery claims, each its own transaction."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        for i in range(rounds):
            with unit_of_work(sessions) as session:
                post = session.get(PromptPost, post_id)
                assert post is not None
                ts = f"{POSTED.timestamp() + 60 + worker * 1000 + i:.6f}"
                builders.reply(session, post, f"UW{worker}", ts, f"reply {i} from {worker}")
                session.commit()
            with unit_of_work(sessions) as session:
                assert claim_delivery(session, f"event:w{worker}-{i}", "message", SCORING)
                assert not claim_delivery(session, "event:shared", "message", SCORING) or i == 0
                session.commit()
    finally:
        engine.dispose()


@pytest.fixture
def writers_post(sqlite_url: str) -> Iterator[tuple[SessionFactory, int]]:
    """A SQLite file with the post the writers reply to, and the delivery key they all try to
    claim already taken; its session factory and the post's id."""
    engine = make_engine(sqlite_url)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        post_id = make_post(session).id
        claim_delivery(session, "event:shared", "message", SCORING)
        session.commit()
    yield sessions, post_id
    engine.dispose()


def _check_writers(sessions: SessionFactory, writers: int, rounds: int) -> None:
    with unit_of_work(sessions) as session:
        assert session.scalar(select(func.count()).select_from(ThreadMessage)) == writers * rounds
        assert session.scalar(select(func.count()).select_from(Answer)) == writers
        followups = set(session.scalars(select(Answer.followups)))
        assert followups == {rounds - 1}
        # Every writer's own keys, and the shared key once.
        assert session.scalar(select(func.count()).select_from(Delivery)) == writers * rounds + 1


@pytest.mark.fault(
    "eight threads writing to one SQLite file at once (thread replies and delivery claims)",
    'no "database is locked": every write lands (WAL, busy timeout, BEGIN IMMEDIATE)',
)
def test_eight_concurrent_sqlite_writer_threads(
    sqlite_url: str, writers_post: tuple[SessionFactory, int]
) -> None:
    sessions, post_id = writers_post
    rounds = 20
    writers = [lambda w=w: _writer(sqlite_url, post_id, w, rounds) for w in range(8)]
    assert run_at_once(writers) == []
    _check_writers(sessions, 8, rounds)


@pytest.mark.fault(
    "eight processes writing to one SQLite file at once (thread replies and delivery claims)",
    'no "database is locked": every write lands',
)
def test_eight_concurrent_sqlite_writer_processes(
    sqlite_url: str, writers_post: tuple[SessionFactory, int]
) -> None:
    sessions, post_id = writers_post
    rounds = 10
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_writer, args=(sqlite_url, post_id, w, rounds)) for w in range(8)
    ]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * 8
    _check_writers(sessions, 8, rounds)


@pytest.mark.fault(
    "a tally-like read while another thread holds SQLite's write lock (an open write "
    "transaction), then a write in a read-only unit of work",
    "the read returns at once with the committed state (no wait for the lock); the write is "
    "refused; the same pooled connection writes again in a normal unit of work",
)
def test_sqlite_read_only_units_of_work_take_no_write_lock(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, poolclass=StaticPool)  # one connection: the flag's reset
    other = make_engine(sqlite_url)
    sessions, writers = make_session_factory(engine), make_session_factory(other)
    try:
        with unit_of_work(sessions) as session:
            make_post(session)
        counted: list[int] = []
        with unit_of_work(writers) as writer:
            claim_delivery(writer, "event:held", "message", SCORING)  # holds the write lock
            reader = threading.Thread(target=lambda: counted.append(_count_posts(sessions)))
            reader.start()
            reader.join(timeout=10)
            assert not reader.is_alive(), "the read waited for the write lock"
        assert counted == [1]
        with read_only(sessions) as session, pytest.raises(OperationalError, match="readonly"):
            claim_delivery(session, "event:refused", "message", SCORING)
        with unit_of_work(sessions) as session:
            claim_delivery(session, "event:written", "message", SCORING)
            session.commit()
        with read_only(sessions) as session:
            keys = set(session.scalars(select(Delivery.key)))
        assert "event:written" in keys and "event:refused" not in keys
    finally:
        engine.dispose()
        other.dispose()


def _count_posts(sessions: SessionFactory) -> int:
    with read_only(sessions) as session:
        return int(session.scalar(select(func.count()).select_from(PromptPost)) or 0)
