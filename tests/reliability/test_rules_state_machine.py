"""Hypothesis state machines over the rules people rely on, on real databases.

Votes: nobody scores their own answer, only assigned reviewers score, one score per reviewer,
answer and criterion whatever the order and repetition of submissions (no double counting).
Mock queue: nobody is matched twice at once, nobody with themselves, one waiting request each.
"""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select

from bot.content import load_library
from bot.db import SessionFactory, unit_of_work
from bot.models import Base, Vote
from bot.practice.reviews.votes import record_scores
from tests import builders
from tests.conftest import CONTENT, utc

LIBRARY = load_library(CONTENT)
CRITERIA = [c.id for c in LIBRARY.packs["pmm"].rubric]
POSTED = utc(2026, 3, 2, 9)
SCORING = utc(2026, 3, 2, 20)
AUTHORS = ["U1", "U2", "U3", "U4"]
USERS = [*AUTHORS, "U5"]  # U5 answered nothing and reviews nothing
SETTINGS = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def wipe(sessions: SessionFactory) -> None:
    with unit_of_work(sessions) as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
        session.commit()


class VoteRules(RuleBasedStateMachine):
    sessions: SessionFactory

    def __init__(self) -> None:
        super().__init__()
        wipe(self.sessions)
        with unit_of_work(self.sessions) as session:
            post = builders.post(session, builders.channel(session), POSTED.date())
            answers = {}
            for i, author in enumerate(AUTHORS):
                ts = f"{POSTED.timestamp() + 60 + i:.6f}"
                answers[author] = builders.replied_answer(
                    session, post, author, ts, f"answer by {author}"
                )
            self.answer_of = {author: answer.id for author, answer in answers.items()}
            # Each author reviews the next two; U1 is (wrongly) also assigned their own answer,
            # to show the rule holds even against a bad assignment.
            self.assigned = {
                (AUTHORS[(i + k) % 4], author) for i, author in enumerate(AUTHORS) for k in (1, 2)
            } | {("U1", "U1")}
            for reviewer, author in self.assigned:
                builders.review(session, answers[author], reviewer, challenge=None)
            session.commit()
        self.model: dict[tuple[str, str], dict[str, int]] = {}  # (reviewer, author) -> scores

    @rule(
        reviewer=st.sampled_from(USERS),
        author=st.sampled_from(AUTHORS),
        scores=st.lists(st.integers(1, 5), min_size=len(CRITERIA), max_size=len(CRITERIA)),
        times=st.integers(1, 2),
    )
    def submit(self, reviewer: str, author: str, scores: list[int], times: int) -> None:
        given = dict(zip(CRITERIA, scores, strict=True))
        for _ in range(times):  # a double submit (double click, Slack retry) counts once
            with unit_of_work(self.sessions) as session:
                result = record_scores(
                    session,
                    self.answer_of[author],
                    reviewer,
                    given,
                    None,
                    SCORING,
                    criteria=CRITERIA,
                )
                session.commit()
            allowed = reviewer != author and (reviewer, author) in self.assigned
            assert result.ok == allowed, (reviewer, author, result)
        if allowed:
            self.model[(reviewer, author)] = given

    @rule(
        reviewer=st.sampled_from(USERS),
        author=st.sampled_from(AUTHORS),
        bad=st.sampled_from(["missing", "out-of-range", "unknown"]),
    )
    def submit_invalid(self, reviewer: str, author: str, bad: str) -> None:
        scores: dict[str, int | None] = dict.fromkeys(CRITERIA, 3)
        if bad == "missing":
            scores[CRITERIA[0]] = None
        elif bad == "out-of-range":
            scores[CRITERIA[0]] = 9
        else:
            scores["charisma"] = 3
        with unit_of_work(self.sessions) as session:
            result = record_scores(
                session,
                self.answer_of[author],
                reviewer,
                scores,
                None,
                SCORING,
                criteria=CRITERIA,
            )
            session.commit()
        assert not result.ok  # and, by the invariant, nothing changed

    @invariant()
    def votes_match_the_model(self) -> None:
        author_of = {answer_id: author for author, answer_id in self.answer_of.items()}
        with unit_of_work(self.sessions) as session:
            rows = session.execute(
                select(Vote.reviewer_id, Vote.answer_id, Vote.criterion, Vote.score)
            ).all()
        stored: dict[tuple[str, str], dict[str, int]] = {}
        for reviewer, answer_id, criterion, score in rows:
            author = author_of[answer_id]
            assert reviewer != author, "a self vote was stored"
            scores = stored.setdefault((reviewer, author), {})
            assert criterion not in scores, "a vote was counted twice"
            scores[criterion] = score
        assert stored == self.model


@pytest.mark.fault(
    "random sequences of score submissions: repeated, self, unassigned, invalid (hypothesis "
    "state machine)",
    "never a self vote, never an unassigned one, one score per reviewer/answer/criterion (the "
    "latest), invalid submissions change nothing",
)
def test_vote_rules_hold_for_any_sequence(sessions: SessionFactory) -> None:
    machine = type("Machine", (VoteRules,), {"sessions": sessions})
    run_state_machine_as_test(machine, settings=SETTINGS)


HAS_MOCKS = importlib.util.find_spec("bot.practice.mocks") is not None


@pytest.mark.skipif(not HAS_MOCKS, reason="needs the mock queue (bot/practice/mocks.py)")
@pytest.mark.fault(
    "random sequences of /mock requests, cancels and finished mocks (hypothesis state machine)",
    "nobody in two live matches, nobody matched with themselves, one waiting request each",
)
def test_mock_queue_rules_hold_for_any_sequence(sessions: SessionFactory) -> None:
    from tests.reliability.mock_machine import mock_queue_machine

    run_state_machine_as_test(mock_queue_machine(sessions, LIBRARY), settings=SETTINGS)
