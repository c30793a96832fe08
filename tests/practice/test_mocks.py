"""Peer mocks: queueing, matching (preferences, roles, cases), rounds, feedback, expiry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory, unit_of_work
from bot.models import MockCheckIn, MockMatch, MockRating, MockRequest, MockRound, MockScore
from bot.practice.channels import ensure_workspace
from bot.practice.leaderboard.mock_rounds import scored_mock_rounds
from bot.practice.mocks import notices
from bot.practice.mocks.matching import match_waiting
from bot.practice.mocks.notices import claim_reveal
from bot.practice.mocks.queue import (
    MATCH_IDLE,
    MOCK_EXPIRY,
    MockError,
    cancel_mock,
    expire_mocks,
    live_match_for,
    mock_status,
)
from bot.practice.mocks.request import request_mock
from bot.practice.mocks.rounds import (
    ANNOUNCE_GRACE,
    mock_progress,
    mock_rubric,
    rate_interviewer,
    record_mock_scores,
    swap_roles,
    unannounced_rounds,
)
from bot.practice.ports import PublishError
from bot.practice.scoring import DEFAULT_RULES, exact_points
from bot.services import mock_due, mocks
from bot.slack.render.mock_refusals import mock_refusal_text
from tests import builders as b
from tests.at_once import run_at_once
from tests.conftest import utc
from tests.fakes import FakeMockNotifier

NOW = utc(2026, 3, 2, 12)
T = "T1"
USERS = st.sampled_from(["U1", "U2", "U3", "U4", "U5"])


@contextmanager
def refused(says: str) -> Iterator[None]:
    """The block raises MockError, whose code the renderer words with `says` in it."""
    with pytest.raises(MockError) as caught:
        yield
    assert says in mock_refusal_text(caught.value.refusal)


def ask(session: Session, library: Library, user: str, note: str = "", tz: int = 0, at=NOW):
    return request_mock(session, T, user, note, tz, at, library=library)


def matched(
    session: Session, library: Library, first: str = "U1", second: str = "U2", at: datetime = NOW
) -> int:
    """`first` waits and `second` asks: the id of the match that pairs them."""
    ask(session, library, first, at=at)
    match_id = ask(session, library, second, at=at).match_id
    assert match_id is not None
    return match_id


def announce(session: Session, library: Library, match_id: int, notifier: FakeMockNotifier) -> bool:
    """Round 1's announcement through its service, on the test's database."""
    sent = mocks.announce_round(
        b.sessions_like(session), NOW, match_id, 1, library=library, notifier=notifier
    )
    session.expire_all()
    return sent


def full_scores(
    library: Library,
    value: int = 4,
    session: Session | None = None,
    match_id: int | None = None,
    number: int = 1,
) -> dict[str, int]:
    """`value` on every criterion the round is scored on (its prompt's applicable criteria);
    without a round, on the pack's default rubric."""
    if session is not None and match_id is not None:
        return {c.id: value for c in mock_rubric(session, match_id, number, library)}
    pack = library.pack("pmm")
    assert pack is not None
    return {c.id: value for c in pack.rubric}


def waiting_rows(session: Session) -> list[MockRequest]:
    return list(session.scalars(select(MockRequest).where(MockRequest.status == "waiting")))


def test_first_request_waits_and_the_second_is_matched_at_once(
    session: Session, library: Library
) -> None:
    first = ask(session, library, "U1", "measurement cases, Tue evening")
    assert first.status == "queued"
    assert first.expires_at == NOW + MOCK_EXPIRY
    second = ask(session, library, "U2")
    assert (second.status, second.partner_id) == ("matched", "U1")
    match = session.get(MockMatch, second.match_id)
    assert match is not None
    assert {match.user_a, match.user_b} == {"U1", "U2"}
    assert {match.candidate_id, match.interviewer_id} == {"U1", "U2"}
    assert match.status == "live" and match.round == 1
    assert waiting_rows(session) == []
    rnd = session.scalars(select(MockRound)).one()
    assert rnd.prompt_id == match.prompt_id and rnd.prompt["case"]


def test_a_second_request_while_queued_updates_the_note_and_never_queues_twice(
    session: Session, library: Library
) -> None:
    ask(session, library, "U1", "old note")
    again = ask(session, library, "U1", "new note", at=NOW + timedelta(hours=1))
    assert again.status == "updated"
    [row] = waiting_rows(session)
    assert row.note == "new note"
    assert row.created_at == NOW  # the place in the queue is kept
    assert row.expires_at == NOW + timedelta(hours=1) + MOCK_EXPIRY
    assert session.scalar(select(func.count()).select_from(MockMatch)) == 0


def test_a_user_in_a_live_match_is_told_so_until_the_round_has_feedback(
    session: Session, library: Library
) -> None:
    match_id = matched(session, library)
    refused = ask(session, library, "U1")
    assert (refused.status, refused.partner_id) == ("in-match", "U2")
    match = session.get(MockMatch, match_id)
    assert match is not None
    record_mock_scores(
        session,
        match_id,
        1,
        match.interviewer_id,
        full_scores(library, 4, session, match_id, 1),
        NOW,
        library=library,
    )
    assert ask(session, library, "U1").status == "queued"
    session.refresh(match)
    assert match.status == "done"


def test_an_idle_match_stops_blocking_after_a_while(session: Session, library: Library) -> None:
    matched(session, library)
    later = NOW + MATCH_IDLE + timedelta(minutes=1)
    assert ask(session, library, "U1", at=later).status == "queued"


def test_matching_prefers_new_pairs_and_needs_a_shared_slot(
    session: Session, library: Library
) -> None:
    ensure_workspace(session, T, NOW)
    # U1 and U2 met last week.
    match = session.get(MockMatch, matched(session, library, at=NOW - timedelta(days=7)))
    assert match is not None
    match.status = "done"
    for i, user in enumerate(["U1", "U2", "U3", "U4"]):
        b.mock_request(session, user, NOW + timedelta(seconds=i))
    # U5 is free only at night in UTC: no shared slot with anyone.
    b.mock_request(session, "U5", NOW, picks=["2026-03-03 00"])
    session.commit()
    matches = match_waiting(session, T, NOW + timedelta(minutes=1), library=library)
    session.commit()
    pairs = {frozenset((m.user_a, m.user_b)) for m in matches}
    assert frozenset(("U1", "U2")) not in pairs and len(pairs) == 2
    assert "U5" not in {u for p in pairs for u in p}
    for m in matches:  # the earliest shared slot, an hour on at the least
        assert m.slot_start is not None and m.slot_end is not None
        assert m.slot_start >= NOW + timedelta(hours=1)
        assert m.slot_end - m.slot_start == timedelta(minutes=45)


def test_who_was_candidate_less_often_goes_first_and_gets_an_unseen_case(
    session: Session, library: Library
) -> None:
    m1 = session.get(MockMatch, matched(session, library))
    assert m1 is not None and m1.candidate_id == "U1"  # tie: the older request
    record_mock_scores(
        session, m1.id, 1, "U2", full_scores(library, 4, session, m1.id, 1), NOW, library=library
    )
    later = NOW + timedelta(hours=1)
    m2 = session.get(MockMatch, matched(session, library, "U1", "U3", at=later))
    assert m2 is not None
    assert m2.candidate_id == "U3"  # U1 was candidate once, U3 never
    m3 = session.get(MockMatch, matched(session, library, "U2", "U4", at=later))
    assert m3 is not None and m3.candidate_id == "U2"  # U2 was interviewer, never candidate
    assert m3.prompt_id != m1.prompt_id  # U2 saw m1's case as its interviewer


def test_the_case_is_one_the_candidate_has_not_answered_in_a_channel(
    session: Session, library: Library
) -> None:
    pack = library.pack("pmm")
    assert pack is not None
    post = b.post(session, b.channel(session, team_id=T), NOW.date(), prompt=pack.prompts[0])
    b.answer(session, post, "U1")
    session.commit()
    match = session.get(MockMatch, matched(session, library))
    assert match is not None and match.candidate_id == "U1"
    assert match.prompt_id == pack.prompts[1].id


def test_status_shows_place_and_age_and_cancel_leaves(session: Session, library: Library) -> None:
    ensure_workspace(session, T, NOW)
    # Two people waiting at once (a /mock would have matched them): rows written directly.
    b.mock_request(session, "U0", NOW - timedelta(hours=3))
    b.mock_request(session, "U1", NOW - timedelta(hours=2), note="product sense")
    session.commit()
    status = mock_status(session, T, "U1", NOW)
    assert (status.status, status.place, status.waiting) == ("waiting", 2, 2)
    assert status.age == timedelta(hours=2) and status.note == "product sense"
    assert cancel_mock(session, T, "U1", NOW)
    assert not cancel_mock(session, T, "U1", NOW)
    assert mock_status(session, T, "U1", NOW).status == "none"


def test_expired_requests_are_claimed_once_and_never_matched(
    session: Session, library: Library
) -> None:
    ask(session, library, "U1", "evenings")
    assert expire_mocks(session, NOW + MOCK_EXPIRY - timedelta(seconds=1)) == []
    expired = expire_mocks(session, NOW + MOCK_EXPIRY)
    assert [(e.team_id, e.user_id, e.note) for e in expired] == [(T, "U1", "evenings")]
    assert expire_mocks(session, NOW + MOCK_EXPIRY + timedelta(hours=1)) == []
    late = NOW + MOCK_EXPIRY + timedelta(minutes=5)
    assert ask(session, library, "U2", at=late).status == "queued"


def test_a_request_past_its_time_is_not_matched_before_the_sweep(
    session: Session, library: Library
) -> None:
    ask(session, library, "U1")
    late = NOW + MOCK_EXPIRY + timedelta(minutes=5)
    assert ask(session, library, "U2", at=late).status == "queued"
    # U1 asking again starts a fresh request instead of reviving the stale one.
    outcome = ask(session, library, "U1", at=late)
    assert (outcome.status, outcome.partner_id) == ("matched", "U2")


def test_swap_roles_starts_round_two_once_with_a_new_case(
    session: Session, library: Library
) -> None:
    match_id = matched(session, library)
    with refused("Only the two"):
        swap_roles(session, match_id, "U9", NOW, library=library)
    rnd = swap_roles(session, match_id, "U2", NOW, library=library)
    assert (rnd.round, rnd.candidate_id, rnd.interviewer_id) == (2, "U2", "U1")
    first = session.scalars(select(MockRound).where(MockRound.round == 1)).one()
    assert rnd.prompt_id != first.prompt_id
    with refused("already swapped"):
        swap_roles(session, match_id, "U1", NOW, library=library)
    match = session.get(MockMatch, match_id)
    assert match is not None
    assert (match.round, match.candidate_id) == (2, "U2")


def test_only_the_interviewer_scores_and_a_resubmission_replaces(
    session: Session, library: Library
) -> None:
    match_id = matched(session, library)
    with refused("Only this round's interviewer"):
        record_mock_scores(session, match_id, 1, "U1", full_scores(library), NOW, library=library)
    with refused("every rubric criterion"):
        record_mock_scores(session, match_id, 1, "U2", {"focus": 3}, NOW, library=library)
    with refused("1 to 5"):
        bad = full_scores(library, 7, session, match_id, 1)
        record_mock_scores(session, match_id, 1, "U2", bad, NOW, library=library)
    record_mock_scores(
        session,
        match_id,
        1,
        "U2",
        full_scores(library, 2, session, match_id, 1),
        NOW,
        library=library,
    )
    record_mock_scores(
        session,
        match_id,
        1,
        "U2",
        full_scores(library, 4, session, match_id, 1),
        NOW,
        library=library,
    )
    scores = list(session.scalars(select(MockScore)))
    assert len(scores) == len(full_scores(library, 4, session, match_id, 1))
    assert {s.score for s in scores} == {4} and {s.candidate_id for s in scores} == {"U1"}
    assert mock_progress(session, T, "U1") == []  # hidden until the feedback is revealed
    assert claim_reveal(session, match_id, 1, NOW, library) is None  # no rating yet
    rate_interviewer(session, match_id, 1, "U1", 4, None, NOW)
    shown = claim_reveal(session, match_id, 1, NOW, library)
    assert (
        shown is not None
        and shown.scores == full_scores(library, 4, session, match_id, 1)
        and shown.rating == 4
    )
    assert claim_reveal(session, match_id, 1, NOW, library) is None  # once
    progress = mock_progress(session, T, "U1")
    assert {p.criterion for p in progress} == set(full_scores(library, 4, session, match_id, 1))
    assert all(p.mean == 4.0 and p.count == 1 for p in progress)
    assert mock_progress(session, T, "U2") == []
    rounds = scored_mock_rounds(session, T, NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert [(r.candidate_id, r.match_id, r.round, r.mean) for r in rounds] == [
        ("U1", match_id, 1, 4.0)
    ]


def test_scoring_the_second_round_ends_the_match(session: Session, library: Library) -> None:
    match_id = matched(session, library)
    swap_roles(session, match_id, "U1", NOW, library=library)
    record_mock_scores(
        session,
        match_id,
        2,
        "U1",
        full_scores(library, 3, session, match_id, 2),
        NOW,
        library=library,
    )
    match = session.get(MockMatch, match_id)
    assert match is not None and match.status == "done"
    assert mock_status(session, T, "U1", NOW).status == "none"
    # Nobody rated: the scores are shown 48 hours after the slot, not before.
    assert match.slot_end is not None
    assert claim_reveal(session, match_id, 2, match.slot_end + timedelta(hours=47), library) is None
    late = match.slot_end + timedelta(hours=48)
    shown = claim_reveal(session, match_id, 2, late, library)
    assert shown is not None and shown.rating is None
    assert [p.mean for p in mock_progress(session, T, "U2")][:1] == [3.0]


def test_only_the_candidate_rates_the_interviewer(session: Session, library: Library) -> None:
    match_id = matched(session, library)
    with refused("Only this round's candidate"):
        rate_interviewer(session, match_id, 1, "U2", 5, None, NOW)
    with refused("1 to 5"):
        rate_interviewer(session, match_id, 1, "U1", 0, None, NOW)
    rate_interviewer(session, match_id, 1, "U1", 3, "", NOW)
    rate_interviewer(session, match_id, 1, "U1", 5, "sharp questions", NOW)
    rating = session.scalars(select(MockRating)).one()
    assert (rating.score, rating.comment, rating.interviewer_id) == (5, "sharp questions", "U2")


def test_a_round_is_announced_once_and_a_failure_can_be_retried(
    session: Session, library: Library
) -> None:
    match_id = matched(session, library)
    notifier = FakeMockNotifier(
        fail_with=[PublishError("ratelimited", permanent=False)],
        fail_guide_with=[PublishError("ratelimited", permanent=False)],
    )
    with pytest.raises(PublishError):  # the intro fails: nothing was sent
        announce(session, library, match_id, notifier)
    assert unannounced_rounds(session, NOW + ANNOUNCE_GRACE) == [(match_id, 1)]
    with pytest.raises(PublishError):  # the intro goes out, the guide fails
        announce(session, library, match_id, notifier)
    assert notifier.announced == [(match_id, 1, "U1", "U2")] and notifier.guides == []
    assert unannounced_rounds(session, NOW) == []  # too fresh: the listener's to finish
    assert unannounced_rounds(session, NOW + ANNOUNCE_GRACE) == [(match_id, 1)]
    assert announce(session, library, match_id, notifier)
    assert not announce(session, library, match_id, notifier)
    assert notifier.announced == [(match_id, 1, "U1", "U2")]  # the intro only once
    assert notifier.guides == [(match_id, 1, "U2")]
    assert unannounced_rounds(session, NOW + ANNOUNCE_GRACE) == []
    match = session.get(MockMatch, match_id)
    assert match is not None and match.conversation_id == f"G{match_id}"


def test_many_simultaneous_requests_never_double_match(
    sessions: SessionFactory, library: Library
) -> None:
    with unit_of_work(sessions) as session:
        ensure_workspace(session, T, NOW)
        session.commit()
    users = [f"U{i:02d}" for i in range(21)]
    notifier = FakeMockNotifier()

    def request(user: str) -> None:
        mocks.request_partner(sessions, NOW, T, user, "", 0, library=library, notifier=notifier)

    assert run_at_once([lambda u=u: request(u) for u in users]) == []
    with unit_of_work(sessions) as session:
        matches = list(session.scalars(select(MockMatch)))
        in_matches = [u for m in matches for u in (m.user_a, m.user_b)]
        assert all(m.user_a != m.user_b for m in matches)
        assert len(in_matches) == len(set(in_matches))  # nobody in two live matches
        assert len(in_matches) == 20
        waiting = waiting_rows(session)
        assert len(waiting) == 1 and waiting[0].user_id not in in_matches
        matched = list(session.scalars(select(MockRequest).where(MockRequest.status == "matched")))
        assert sorted(r.user_id for r in matched) == sorted(in_matches)
        assert all(r.match_id is not None for r in matched)


def test_leaderboard_points_count_each_scored_round_in_the_period(
    session: Session, library: Library
) -> None:
    first = matched(session, library)
    record_mock_scores(
        session, first, 1, "U2", full_scores(library, 2, session, first, 1), NOW, library=library
    )
    later = NOW + timedelta(days=1)
    second = matched(session, library, "U1", "U3", at=later)
    match = session.get(MockMatch, second)
    assert match is not None and match.candidate_id == "U3"
    swap_roles(session, second, "U1", later, library=library)
    record_mock_scores(
        session,
        second,
        2,
        "U3",
        full_scores(library, 4, session, second, 2),
        later,
        library=library,
    )
    both = scored_mock_rounds(session, T, NOW, later + timedelta(hours=1))
    assert [(r.candidate_id, r.mean) for r in both] == [("U1", 2.0), ("U1", 4.0)]
    # U3 was candidate in round 1 but was never scored
    assert "U3" not in {r.candidate_id for r in both}
    # Each round counts for both people like a completed review, and for the candidate its
    # mean weighs half an answer in their quality estimate (docs/mock.md).
    assert [r.interviewer_id for r in both] == ["U2", "U3"]
    assert DEFAULT_RULES.mock_weight == 0.5
    with_round = exact_points(DEFAULT_RULES, answer_means=[3.0], reviews=0, mock_means=[5.0])
    as_interviewer = exact_points(DEFAULT_RULES, answer_means=[3.0], reviews=0, interviews=1)
    reviewed = exact_points(DEFAULT_RULES, answer_means=[3.0], reviews=1)
    assert as_interviewer == reviewed and with_round > reviewed
    only_first = scored_mock_rounds(session, T, NOW, later)
    assert [(r.candidate_id, r.mean) for r in only_first] == [("U1", 2.0)]


class MockQueueMachine(RuleBasedStateMachine):
    """Random /mock, cancel, swap, score and the passing of time keep the queue's invariants."""

    sessions: SessionFactory
    library: Library

    def __init__(self) -> None:
        super().__init__()
        self.now = NOW
        self.notifier = FakeMockNotifier()
        with unit_of_work(self.sessions) as session:
            for model in (MockScore, MockRating, MockRound, MockRequest, MockMatch):
                session.execute(delete(model))
            ensure_workspace(session, T, NOW)
            session.commit()

    @rule(user=USERS, tz=st.sampled_from([-480, 0, 60, 330, 540]))
    def request(self, user: str, tz: int) -> None:
        requested = mocks.request_partner(
            self.sessions, self.now, T, user, "", tz, library=self.library, notifier=self.notifier
        )
        assert requested.outcome.partner_id != user

    @rule(user=USERS)
    def cancel(self, user: str) -> None:
        mocks.cancel(self.sessions, self.now, T, user)

    @rule(hours=st.integers(1, 30))
    def wait(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        mock_due.expire_due(self.sessions, self.now, library=self.library, notifier=self.notifier)

    @rule(user=USERS, swap=st.booleans())
    def act_in_match(self, user: str, swap: bool) -> None:
        with unit_of_work(self.sessions) as session:
            match = live_match_for(session, T, user)
            if match is None:
                return
            match_id, number = match.id, match.round
        try:
            if swap:
                mocks.swap(
                    self.sessions,
                    self.now,
                    match_id,
                    user,
                    library=self.library,
                    notifier=self.notifier,
                )
            else:
                scores = full_scores(self.library, 3)
                mocks.submit_scores(
                    self.sessions,
                    self.now,
                    match_id,
                    number,
                    user,
                    lambda _rubric: scores,
                    library=self.library,
                )
        except MockError:
            pass  # refused (not the interviewer, already swapped): nothing may change

    @invariant()
    def nobody_is_matched_twice_or_with_themselves(self) -> None:
        with unit_of_work(self.sessions) as session:
            live = list(session.scalars(select(MockMatch).where(MockMatch.status == "live")))
            in_live = [u for m in live for u in (m.user_a, m.user_b)]
            assert all(m.user_a != m.user_b for m in live)
            assert len(in_live) == len(set(in_live))
            waiting = [r for r in waiting_rows(session) if r.expires_at > self.now]
            # Two waiting users are matched at once (every offset here shares working hours),
            # unless they met before: a repeat pair waits until both have waited a while.
            met = {frozenset((m.user_a, m.user_b)) for m in session.scalars(select(MockMatch))}
            for i, one in enumerate(waiting):
                for other in waiting[i + 1 :]:
                    assert frozenset((one.user_id, other.user_id)) in met, (one, other)
            assert not {r.user_id for r in waiting} & set(in_live)
            for request in session.scalars(
                select(MockRequest).where(MockRequest.status == "matched")
            ):
                match = session.get(MockMatch, request.match_id)
                assert match is not None and request.user_id in (match.user_a, match.user_b)


def test_queue_state_machine(sessions: SessionFactory, library: Library) -> None:
    MockQueueMachine.sessions = sessions
    MockQueueMachine.library = library
    run_state_machine_as_test(
        MockQueueMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_the_leaderboard_counts_only_mocks_that_happened(session: Session) -> None:
    ensure_workspace(session, T, NOW)
    held = b.mock(session, "U1", "U2", 4, NOW, team_id=T)
    missed = b.mock(session, "U3", "U4", 2, NOW, team_id=T)
    session.add(
        MockCheckIn(match_id=missed.id, user_id="U4", outcome="partner-no-show", created_at=NOW)
    )
    session.add(MockCheckIn(match_id=held.id, user_id="U1", outcome="happened", created_at=NOW))
    session.flush()
    window = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert [r.match_id for r in scored_mock_rounds(session, T, *window)] == [held.id]
    # The other side says it happened: a dispute, so the round counts again.
    session.add(MockCheckIn(match_id=missed.id, user_id="U3", outcome="happened", created_at=NOW))
    session.flush()
    assert len(scored_mock_rounds(session, T, *window)) == 2


def test_every_reminder_passes_through_delivery_time(
    session: Session, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook issue 25 fills in: None skips a DM, a later time holds it back."""
    match_id = matched(session, library)
    match = session.get(MockMatch, match_id)
    assert match is not None and match.slot_start is not None
    soon = match.slot_start - timedelta(minutes=15)
    assert {(u, k) for _, u, k in notices.due_notices(session, soon)} == {
        ("U1", "remind-15m"),
        ("U2", "remind-15m"),
    }
    asked: list[tuple[str, str]] = []

    def quiet_u1(session: Session, team: str, user: str, kind: str, due: datetime, now: datetime):
        asked.append((user, kind))
        return None if user == "U1" else due + timedelta(minutes=5)

    monkeypatch.setattr(notices, "delivery_time", quiet_u1)
    assert notices.due_notices(session, soon) == []
    assert {u for u, _ in asked} == {"U1", "U2"}
    assert [(u, k) for _, u, k in notices.due_notices(session, soon + timedelta(minutes=5))] == [
        ("U2", "remind-15m")
    ]
