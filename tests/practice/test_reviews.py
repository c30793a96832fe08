"""Skeptic reviews: assignment, DMs, votes, reminders and closing, on real databases."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory
from bot.models import Answer, Channel, PromptPost, ReviewAssignment, ThreadNotice, Vote
from bot.practice.answers import record_delete
from bot.practice.claims import QUIET
from bot.practice.reviews.assign import set_volunteer
from bot.practice.reviews.thread_notices import SHORT, assigned_without_short_note
from bot.practice.reviews.votes import (
    ScoreResult,
    challenge_posted,
    load_review,
    record_challenge,
    record_scores,
)
from bot.services.review_window import AssignRun, CloseRun, assign_due_reviews, close_due_reviews
from tests import builders as b
from tests.at_once import run_at_once
from tests.conftest import utc
from tests.fakes import FakeReviewNotifier


def run_assignments(session: Session, now: datetime, **kwargs: Any) -> AssignRun:
    """The assign-reviewers service on the test's database (its own units of work)."""
    run = assign_due_reviews(b.sessions_like(session), now, **kwargs)
    session.expire_all()
    return run


def run_closing(session: Session, now: datetime, **kwargs: Any) -> CloseRun:
    """The close-reviews service on the test's database (its own units of work)."""
    run = close_due_reviews(b.sessions_like(session), now, **kwargs)
    session.expire_all()
    return run


POSTED = utc(2026, 3, 2, 9)
ANSWERS_CLOSE = utc(2026, 3, 2, 15)
REVIEWS_CLOSE = utc(2026, 3, 3, 9)
MIDPOINT = utc(2026, 3, 3, 0)


@pytest.fixture
def channel(session: Session) -> Channel:
    return b.channel(session)


def make_post(
    session: Session, channel: Channel, library: Library, day: date = date(2026, 3, 2)
) -> PromptPost:
    """The channel's post of `day` (a UTC channel: posted at 09:00, as POSTED on the first day),
    of one of the pack's prompts."""
    pack = library.packs["pmm"]
    # A prompt scored on the default rubric, all of it (as a post from before `criteria:`):
    # these tests are about reviews, tests/practice/test_applicable_criteria.py about criteria.
    cases = [p for p in pack.prompts if pack.rubric_for(p.kind) == pack.rubric]
    post = b.post(session, channel, day, prompt=cases[day.toordinal() % len(cases)])
    post.prompt = {**post.prompt, "criteria": []}
    session.commit()
    return post


def answer(session: Session, post: PromptPost, user: str, minute: int = 0) -> Answer:
    ts = f"{(post.claimed_at + timedelta(minutes=10 + minute)).timestamp():.6f}"
    found = b.replied_answer(session, post, user, ts, f"My answer, by {user}: a holdout test.")
    session.commit()
    return found


def answered_post(
    session: Session, channel: Channel, library: Library, users: list[str]
) -> PromptPost:
    """Today's post with an on-time answer from each of `users`, in order."""
    post = make_post(session, channel, library)
    for i, user in enumerate(users):
        answer(session, post, user, i)
    return post


def assignments(session: Session, post: PromptPost) -> list[ReviewAssignment]:
    return list(
        session.scalars(
            select(ReviewAssignment)
            .where(ReviewAssignment.post_id == post.id)
            .order_by(ReviewAssignment.id)
            .execution_options(populate_existing=True)
        )
    )


def rubric(library: Library) -> list[str]:
    return [c.id for c in library.packs["pmm"].rubric]


def full_scores(library: Library, value: int = 4) -> dict[str, int | None]:
    return dict.fromkeys(rubric(library), value)


def score(
    session: Session,
    library: Library,
    answer_id: int,
    reviewer: str,
    now: datetime,
    scores: int | Mapping[str, int | None] = 4,
    comment: str | None = None,
) -> ScoreResult:
    """`reviewer` scores the answer against the pack's rubric: `scores` per criterion, or one
    score for every criterion."""
    if isinstance(scores, int):
        scores = full_scores(library, scores)
    return record_scores(
        session, answer_id, reviewer, scores, comment, now, criteria=rubric(library)
    )


def day_with(
    session: Session, channel: Channel, library: Library, users: list[str]
) -> tuple[PromptPost, dict[str, Answer], FakeReviewNotifier]:
    post = make_post(session, channel, library)
    answers = {u: answer(session, post, u, i) for i, u in enumerate(users)}
    notifier = FakeReviewNotifier()
    run_assignments(session, ANSWERS_CLOSE, notifier=notifier)
    return post, answers, notifier


# --- assignment ---------------------------------------------------------------------------


def test_nothing_is_assigned_before_the_answer_window_closes(
    session: Session, channel: Channel, library: Library
) -> None:
    post = answered_post(session, channel, library, ["U1", "U2", "U3"])
    notifier = FakeReviewNotifier()
    run = run_assignments(session, ANSWERS_CLOSE - timedelta(seconds=1), notifier=notifier)
    assert run.assigned == [] and assignments(session, post) == []


def test_a_post_whose_thread_was_not_read_waits_for_the_next_run(
    session: Session, channel: Channel, library: Library
) -> None:
    post = answered_post(session, channel, library, ["U1", "U2", "U3"])
    notifier = FakeReviewNotifier()
    held_back = run_assignments(
        session, ANSWERS_CLOSE, notifier=notifier, exclude=frozenset({post.id})
    )
    assert held_back.assigned == [] and assignments(session, post) == []
    assert notifier.briefs == [] and notifier.short == []
    run = run_assignments(session, ANSWERS_CLOSE + timedelta(minutes=1), notifier=notifier)
    assert [o.post_id for o in run.assigned] == [post.id] and len(assignments(session, post)) == 6
    assert sorted(b.reviewer for b in notifier.briefs) == ["U1", "U2", "U3"]


def test_each_answer_gets_two_peers_never_its_author_and_loads_are_even(
    session: Session, channel: Channel, library: Library
) -> None:
    users = ["U1", "U2", "U3", "U4", "U5"]
    post, answers, notifier = day_with(session, channel, library, users)
    rows = assignments(session, post)
    authors = {a.id: a.user_id for a in answers.values()}
    assert len(rows) == 2 * len(users)
    for answer_id in authors:
        reviewers = [r.reviewer_id for r in rows if r.answer_id == answer_id]
        assert len(set(reviewers)) == 2 and authors[answer_id] not in reviewers
    loads = [sum(1 for r in rows if r.reviewer_id == u) for u in users]
    assert max(loads) - min(loads) <= 1
    # One DM per reviewer, listing exactly their answers, with the prompt's challenges.
    assert sorted(b.reviewer for b in notifier.briefs) == users
    for brief in notifier.briefs:
        assert {i.assignment_id for i in brief.items} == {
            r.id for r in rows if r.reviewer_id == brief.reviewer
        }
        assert brief.challenges and brief.post.thread_ts == post.message_ts
    session.refresh(post)
    assert post.assigned_at == ANSWERS_CLOSE


def test_rerunning_assigns_and_tells_nobody_twice(
    session: Session, channel: Channel, library: Library
) -> None:
    post, _, notifier = day_with(session, channel, library, ["U1", "U2", "U3"])
    before = [(r.answer_id, r.reviewer_id) for r in assignments(session, post)]
    again = run_assignments(session, ANSWERS_CLOSE + timedelta(hours=1), notifier=notifier)
    assert again.assigned == [] and again.dms == 0
    assert [(r.answer_id, r.reviewer_id) for r in assignments(session, post)] == before
    assert len(notifier.briefs) == 3


def test_same_input_gives_the_same_plan(session: Session, library: Library) -> None:
    plans = []
    for channel_id in ("CA", "CB"):
        channel = b.channel(session, channel_id)
        post = answered_post(session, channel, library, ["U1", "U2", "U3", "U4"])
        run_assignments(session, ANSWERS_CLOSE, notifier=FakeReviewNotifier())
        plans.append(sorted((r.answer.user_id, r.reviewer_id) for r in assignments(session, post)))
    # Different post ids seed differently, but both obey the same rules.
    for plan in plans:
        assert len(plan) == 8 and all(a != r for a, r in plan)


def test_lone_answerer_gets_a_volunteer(
    session: Session, channel: Channel, library: Library
) -> None:
    set_volunteer(session, channel, "V1", True, POSTED)
    session.commit()
    post, _, notifier = day_with(session, channel, library, ["U1"])
    rows = assignments(session, post)
    assert [(r.reviewer_id, r.source) for r in rows] == [("V1", "volunteer")]
    # One of two reviewers is missing: the thread is told.
    assert [n.missing for n in notifier.short] == [(("U1", 1),)]


def test_lone_answerer_without_volunteers_is_told_plainly(
    session: Session, channel: Channel, library: Library
) -> None:
    post, _, notifier = day_with(session, channel, library, ["U1"])
    assert assignments(session, post) == []
    assert [n.missing for n in notifier.short] == [(("U1", 2),)]
    assert notifier.briefs == []


def test_volunteering_off_takes_effect(
    session: Session, channel: Channel, library: Library
) -> None:
    assert set_volunteer(session, channel, "V1", True, POSTED) is True
    assert set_volunteer(session, channel, "V1", True, POSTED) is False
    assert set_volunteer(session, channel, "V1", False, POSTED) is True
    session.commit()
    post, _, _ = day_with(session, channel, library, ["U1"])
    assert assignments(session, post) == []


def test_pairs_from_recent_weeks_are_avoided(
    session: Session, channel: Channel, library: Library
) -> None:
    channel.reviewers_per_answer = 1
    session.commit()
    users = ["U1", "U2", "U3"]
    first, _, _ = day_with(session, channel, library, users)
    met = {(r.reviewer_id, r.answer.user_id) for r in assignments(session, first)}
    second = make_post(session, channel, library, date(2026, 3, 3))
    for i, user in enumerate(users):
        answer(session, second, user, i)
    run_assignments(session, ANSWERS_CLOSE + timedelta(days=1), notifier=FakeReviewNotifier())
    now_pairs = {(r.reviewer_id, r.answer.user_id) for r in assignments(session, second)}
    assert len(now_pairs) == 3 and not (now_pairs & met)


def test_late_and_withdrawn_answers_are_not_reviewed(
    session: Session, channel: Channel, library: Library
) -> None:
    post = answered_post(session, channel, library, ["U1", "U2", "U3"])
    late_ts = f"{(ANSWERS_CLOSE + timedelta(minutes=5)).timestamp():.6f}"
    b.reply(session, post, "U4", late_ts, "late")
    session.commit()
    run_assignments(session, ANSWERS_CLOSE + timedelta(minutes=10), notifier=FakeReviewNotifier())
    rows = assignments(session, post)
    assert "U4" not in {r.reviewer_id for r in rows} | {r.answer.user_id for r in rows}


def test_failed_dm_is_released_and_retried(
    session: Session, channel: Channel, library: Library
) -> None:
    post = answered_post(session, channel, library, ["U1", "U2", "U3"])
    notifier = FakeReviewNotifier(fail_next=1)
    run = run_assignments(session, ANSWERS_CLOSE, notifier=notifier)
    assert run.dms == 2
    assert sum(1 for r in assignments(session, post) if r.notified_at is None) == 2
    again = run_assignments(session, ANSWERS_CLOSE + timedelta(minutes=1), notifier=notifier)
    assert again.dms == 1
    assert sorted(b.reviewer for b in notifier.briefs) == ["U1", "U2", "U3"]


# --- votes ----------------------------------------------------------------------------------


def my_assignment(session: Session, post: PromptPost, reviewer: str) -> ReviewAssignment:
    return next(r for r in assignments(session, post) if r.reviewer_id == reviewer)


def votes(session: Session) -> list[tuple[int, str, str, int]]:
    rows = session.execute(
        select(Vote.answer_id, Vote.reviewer_id, Vote.criterion, Vote.score).order_by(
            Vote.answer_id, Vote.reviewer_id, Vote.criterion
        )
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_assigned_reviewer_scores_and_a_resubmission_replaces(
    session: Session, channel: Channel, library: Library
) -> None:
    post, _, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    mine = my_assignment(session, post, "U1")
    now = ANSWERS_CLOSE + timedelta(hours=1)
    first = score(session, library, mine.answer_id, "U1", now, 2, " too vague ")
    session.commit()
    assert first.ok and not first.replaced
    second = score(session, library, mine.answer_id, "U1", now, 5, "")
    session.commit()
    assert second.ok and second.replaced
    stored = votes(session)
    assert len(stored) == len(rubric(library)) and {s for *_, s in stored} == {5}
    target = load_review(session, mine.id, "U1", now).target
    assert target is not None and target.scores == full_scores(library, 5)
    assert target.comment == ""


@pytest.mark.parametrize(
    ("who", "when", "reason"),
    [
        ("author", ANSWERS_CLOSE, "own-answer"),
        ("stranger", ANSWERS_CLOSE, "not-assigned"),
        ("reviewer", REVIEWS_CLOSE, "closed"),
    ],
)
def test_refused_votes_change_nothing(
    session: Session,
    channel: Channel,
    library: Library,
    who: str,
    when: datetime,
    reason: str,
) -> None:
    post, _, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    mine = my_assignment(session, post, "U1")
    user = {"author": mine.answer.user_id, "stranger": "U9", "reviewer": "U1"}[who]
    result = score(session, library, mine.answer_id, user, when)
    session.commit()
    assert not result.ok and result.refusal == reason and result.message
    assert votes(session) == []


def test_scores_after_the_close_are_refused(
    session: Session, channel: Channel, library: Library
) -> None:
    post, _, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    run_closing(
        session,
        ANSWERS_CLOSE + timedelta(hours=2),
        notifier=FakeReviewNotifier(),
        library=library,
    )
    # An operator closed early by hand: closed_at wins over the clock.
    post.closed_at = ANSWERS_CLOSE + timedelta(hours=2)
    session.commit()
    mine = my_assignment(session, post, "U1")
    result = score(session, library, mine.answer_id, "U1", ANSWERS_CLOSE + timedelta(hours=3))
    assert result.refusal == "closed"


def test_missing_unknown_and_out_of_range_scores_are_field_errors(
    session: Session, channel: Channel, library: Library
) -> None:
    post, _, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    mine = my_assignment(session, post, "U1")
    criteria = rubric(library)
    scores = full_scores(library)
    scores[criteria[0]] = None
    scores[criteria[1]] = 7
    result = score(session, library, mine.answer_id, "U1", ANSWERS_CLOSE, scores)
    assert not result.ok and set(result.field_errors) == {criteria[0], criteria[1]}
    unknown = score(
        session, library, mine.answer_id, "U1", ANSWERS_CLOSE, {**full_scores(library), "charm": 3}
    )
    assert unknown.refusal == "unknown-criterion"
    session.commit()
    assert votes(session) == []


def test_concurrent_identical_submissions_count_once(
    sessions: SessionFactory, library: Library
) -> None:
    with sessions() as session:
        channel = b.channel(session)
        post, _, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
        mine = my_assignment(session, post, "U1")
        answer_id = mine.answer_id
    results = []

    def submit() -> None:
        with sessions() as session:
            result = score(session, library, answer_id, "U1", ANSWERS_CLOSE, 3, "same")
            session.commit()
            results.append(result.ok)

    assert run_at_once([submit] * 20) == []
    assert all(results) and len(results) == 20
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == len(rubric(library))


# --- challenges -------------------------------------------------------------------------------


def test_challenges_are_kept_only_for_assigned_reviewers(
    session: Session, channel: Channel, library: Library
) -> None:
    post, _, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    mine = my_assignment(session, post, "U1")
    now = ANSWERS_CLOSE + timedelta(hours=1)
    assert record_challenge(session, mine.id, "U9", "Why?", now).refusal == "not-assigned"
    assert record_challenge(session, mine.id, "U1", "   ", now).field_error
    ok = record_challenge(session, mine.id, "U1", "What is your control group?", now)
    assert ok.ok and ok.challenge_id is not None and ok.target is not None
    assert ok.target.author == mine.answer.user_id
    challenge_posted(session, ok.challenge_id, "1.5")
    session.commit()


# --- reminders and closing ------------------------------------------------------------------


def test_reminder_half_way_goes_once_to_those_who_have_not_scored(
    session: Session, channel: Channel, library: Library
) -> None:
    post, _, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    for mine in assignments(session, post):
        if mine.reviewer_id == "U1":
            score(session, library, mine.answer_id, "U1", ANSWERS_CLOSE)
    session.commit()
    notifier = FakeReviewNotifier()
    run_closing(session, MIDPOINT - timedelta(minutes=1), notifier=notifier, library=library)
    assert notifier.reminders == []
    run_closing(session, MIDPOINT, notifier=notifier, library=library)
    run_closing(session, MIDPOINT + timedelta(hours=1), notifier=notifier, library=library)
    assert sorted(b.reviewer for b in notifier.reminders) == ["U2", "U3"]


def test_the_reminder_and_stand_in_scans_read_as_often_for_one_post_as_for_many(
    session: Session, library: Library
) -> None:
    """Every minute's tick scans the posts open for review: a fixed number of statements,
    not one per post (at 1,000 channels a query per post was most of an idle tick)."""
    from sqlalchemy import event

    from bot.practice.reviews.closing import due_reminders
    from bot.practice.reviews.standins import due_standins

    def scanned() -> tuple[list[tuple[int, str]], list[int], int]:
        statements: list[str] = []

        def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", capture)
        try:
            reminders = due_reminders(session, MIDPOINT)
            standins = due_standins(session, MIDPOINT)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        session.rollback()
        return reminders, standins, len(statements)

    posts = [answered_post(session, b.channel(session, "C1"), library, ["U1", "U2", "U3"])]
    run_assignments(session, ANSWERS_CLOSE, notifier=FakeReviewNotifier())
    one = scanned()
    for channel_id in ("C2", "C3", "C4"):
        channel = b.channel(session, channel_id)
        posts.append(answered_post(session, channel, library, ["U1", "U2", "U3"]))
    run_assignments(session, ANSWERS_CLOSE, notifier=FakeReviewNotifier())
    reminders, standins, statements = scanned()

    assert statements == one[2]
    assert standins == [p.id for p in posts]
    # Each post's three reviewers, one reviewer after another across the posts.
    assert sorted(reminders) == [(p.id, u) for p in posts for u in ("U1", "U2", "U3")]
    assert [u for _, u in reminders[:3]] == ["U1", "U2", "U3"]


def test_closing_summarises_once_marks_missed_and_posts_notes(
    session: Session, channel: Channel, library: Library
) -> None:
    post, answers, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    target = answers["U3"]
    reviewers = [r for r in assignments(session, post) if r.answer_id == target.id]
    first, second = reviewers
    criteria = rubric(library)
    score(session, library, target.id, first.reviewer_id, ANSWERS_CLOSE, 2, "Name a metric.")
    made = record_challenge(session, first.id, first.reviewer_id, "Control group?", ANSWERS_CLOSE)
    assert made.challenge_id is not None
    challenge_posted(session, made.challenge_id, "123.456")
    session.commit()
    notifier = FakeReviewNotifier()
    run = run_closing(session, REVIEWS_CLOSE, notifier=notifier, library=library)
    assert run.closed == [post.id]
    # 6 assignments, one scored.
    assert run.missed == 5
    assert [n.post.post_id for n in notifier.notes] == [post.id]
    assert notifier.notes[0].strong_answers
    assert sorted(s.author for s in notifier.summaries) == ["U1", "U2", "U3"]
    mine = next(s for s in notifier.summaries if s.author == "U3")
    assert [m.criterion for m in mine.means] == criteria
    assert all(m.mean == 2 and m.votes == 1 for m in mine.means)
    assert mine.challenges == ((first.reviewer_id, "Control group?"),)
    assert mine.comments == ((first.reviewer_id, "Name a metric."),)
    assert mine.scored_by == 1 and mine.reviewers == 2
    missed = {r.reviewer_id for r in assignments(session, post) if r.missed}
    assert second.reviewer_id in missed and first.reviewer_id not in {
        r.reviewer_id for r in assignments(session, post) if r.missed and r.answer_id == target.id
    }
    again = run_closing(
        session, REVIEWS_CLOSE + timedelta(hours=1), notifier=notifier, library=library
    )
    assert again.closed == [] and again.summaries == 0
    assert len(notifier.summaries) == 3 and len(notifier.notes) == 1


def test_paused_channels_still_close(session: Session, channel: Channel, library: Library) -> None:
    post, _, _ = day_with(session, channel, library, ["U1", "U2"])
    channel.paused = True
    session.commit()
    notifier = FakeReviewNotifier()
    assert run_closing(session, REVIEWS_CLOSE, notifier=notifier, library=library).closed == [
        post.id
    ]
    assert len(notifier.summaries) == 2


def test_failed_summary_is_retried_on_the_next_run(
    session: Session, channel: Channel, library: Library
) -> None:
    day_with(session, channel, library, ["U1", "U2"])
    notifier = FakeReviewNotifier(fail_next=2)  # the notes and the first summary fail
    first = run_closing(session, REVIEWS_CLOSE, notifier=notifier, library=library)
    assert first.summaries == 1
    second = run_closing(
        session, REVIEWS_CLOSE + timedelta(minutes=1), notifier=notifier, library=library
    )
    assert second.summaries == 1
    assert sorted(s.author for s in notifier.summaries) == ["U1", "U2"]


def test_an_answer_withdrawn_after_assignment_owes_its_reviewers_nothing(
    session: Session, channel: Channel, library: Library
) -> None:
    post, answers, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    gone = answers["U3"]
    record_delete(session, post, gone.message_ts, "U3")
    session.commit()
    mine = next(r for r in assignments(session, post) if r.answer_id == gone.id)
    assert score(session, library, gone.id, mine.reviewer_id, ANSWERS_CLOSE).refusal == "withdrawn"
    notifier = FakeReviewNotifier()
    run_closing(session, MIDPOINT, notifier=notifier, library=library)
    reminded = {i.answer_id for b in notifier.reminders for i in b.items}
    assert gone.id not in reminded and reminded
    run = run_closing(session, REVIEWS_CLOSE, notifier=notifier, library=library)
    assert run.missed == 4  # six assignments, two on the withdrawn answer
    assert "U3" not in {s.author for s in notifier.summaries}


def test_two_processes_assigning_and_closing_at_once_act_once(
    sessions: SessionFactory, library: Library
) -> None:
    with sessions() as session:
        channel = b.channel(session)
        answered_post(session, channel, library, ["U1", "U2", "U3", "U4"])
    notifier = FakeReviewNotifier()

    def race(step: Any) -> list[BaseException]:
        """`step` run by four processes at once, each on its own session."""

        def run() -> None:
            with sessions() as session:
                step(session)

        return run_at_once([run] * 4)

    assert race(lambda s: run_assignments(s, ANSWERS_CLOSE, notifier=notifier)) == []
    assert race(lambda s: run_closing(s, REVIEWS_CLOSE, notifier=notifier, library=library)) == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewAssignment)) == 8
    assert sorted(b.reviewer for b in notifier.briefs) == ["U1", "U2", "U3", "U4"]
    assert sorted(s.author for s in notifier.summaries) == ["U1", "U2", "U3", "U4"]
    assert len(notifier.notes) == 1


# --- thread notes: claimed, retried, never doubled ------------------------------------------


def test_the_short_note_is_retried_after_a_slack_failure_and_posted_once(
    session: Session, channel: Channel, library: Library
) -> None:
    post = make_post(session, channel, library)
    answer(session, post, "U1", 0)
    notifier = FakeReviewNotifier(fail_next=1)  # Slack refuses the first try
    run_assignments(session, ANSWERS_CLOSE, notifier=notifier)
    assert notifier.short == []
    for minutes in (1, 2, 3):  # the job's next runs
        run_assignments(session, ANSWERS_CLOSE + timedelta(minutes=minutes), notifier=notifier)
    assert [n.missing for n in notifier.short] == [(("U1", 2),)]


def test_the_closing_notes_are_retried_after_a_slack_failure_and_posted_once(
    session: Session, channel: Channel, library: Library
) -> None:
    post, _, _ = day_with(session, channel, library, ["U1", "U2", "U3"])
    notifier = FakeReviewNotifier(fail_next=1)  # the notes are the first call to fail
    run = run_closing(session, REVIEWS_CLOSE, notifier=notifier, library=library)
    assert run.closed == [post.id] and notifier.notes == []
    for minutes in (1, 2, 3):
        run_closing(
            session, REVIEWS_CLOSE + timedelta(minutes=minutes), notifier=notifier, library=library
        )
    assert [n.post.post_id for n in notifier.notes] == [post.id]


def test_a_post_needing_no_short_note_is_marked_and_not_looked_at_again(
    session: Session, channel: Channel, library: Library
) -> None:
    # Found by the busy-morning benchmark: every post without a shortage was looked at again
    # by every minute's tick for a day (three queries each, a thousand posts).
    post = answered_post(session, channel, library, ["U1", "U2", "U3"])
    notifier = FakeReviewNotifier()
    run_assignments(session, ANSWERS_CLOSE, notifier=notifier)
    assert notifier.short == []
    marks = select(ThreadNotice.kind, ThreadNotice.message_ts).where(
        ThreadNotice.post_id == post.id
    )
    assert session.execute(marks).all() == [(SHORT, QUIET)]
    later = ANSWERS_CLOSE + timedelta(minutes=1)
    assert assigned_without_short_note(session, later, None) == []
