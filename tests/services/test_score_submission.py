"""Submitting a scoring form is one use case: saved and committed, the modal answered
(`on_saved`), then the reviewer's brief DM rewritten with no transaction open, and the App
Home read back when the form came from there."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.content import Library
from bot.models import Vote
from bot.practice.reviews.notices import ReviewerBrief
from bot.services.reviews import BriefMessage, ScoreSubmission, submit_scores
from bot.transaction_guard import holds_transaction
from tests import builders as b
from tests.fakes import FakeReviewNotifier


def _review(session: Session, library: Library) -> tuple[int, list[str], datetime]:
    """An on-time answer by U1 with U2 assigned to review it; (assignment, rubric, a time
    inside the review window)."""
    pack = library.packs["pmm"]
    prompt = next(p for p in pack.prompts if pack.rubric_for(p.kind) == pack.rubric)
    post = b.post(session, b.channel(session), date(2026, 3, 2), prompt=prompt)
    post.prompt = {**post.prompt, "criteria": []}
    ts = f"{(post.claimed_at + timedelta(minutes=10)).timestamp():.6f}"
    answer = b.replied_answer(session, post, "U1", ts, "My answer: a holdout test.")
    assignment = b.review(session, answer, "U2")
    session.commit()
    return assignment.id, [c.id for c in pack.rubric], post.answers_close_at + timedelta(hours=1)


class Order(FakeReviewNotifier):
    """A notifier that notes when it was called, and that no transaction was open then."""

    def __init__(self, steps: list[str]) -> None:
        super().__init__()
        self.steps = steps

    def update_brief(
        self, brief: ReviewerBrief, dm_channel: str | None = None, ts: str | None = None
    ) -> bool:
        assert not holds_transaction()
        self.steps.append("brief")
        return super().update_brief(brief, dm_channel, ts)


def test_scores_are_saved_the_modal_answered_then_the_brief_dm_rewritten(
    session: Session, library: Library
) -> None:
    assignment_id, criteria, now = _review(session, library)
    steps: list[str] = []
    notifier = Order(steps)

    def on_saved(saved: ScoreSubmission) -> None:
        steps.append("saved" if saved.target is not None else "refused")

    saved = submit_scores(
        b.sessions_like(session),
        assignment_id,
        "U2",
        lambda asked: (dict.fromkeys(asked, 4), "Clear and testable."),
        now,
        library=library,
        notifier=notifier,
        brief=BriefMessage("D2", "1772442000.000900"),
        on_saved=on_saved,
    )

    assert steps == ["saved", "brief"]
    assert saved.target is not None and saved.home is None
    assert [(u[0].reviewer, u[1], u[2]) for u in notifier.updated] == [
        ("U2", "D2", "1772442000.000900")
    ]
    assert session.scalar(select(func.count()).select_from(Vote)) == len(criteria)


def test_scored_from_the_app_home_the_home_comes_back_with_the_result(
    session: Session, library: Library
) -> None:
    assignment_id, _criteria, now = _review(session, library)
    notifier = FakeReviewNotifier()

    saved = submit_scores(
        b.sessions_like(session),
        assignment_id,
        "U2",
        lambda asked: (dict.fromkeys(asked, 3), ""),
        now,
        library=library,
        notifier=notifier,
        brief=BriefMessage(),
        on_saved=lambda _saved: None,
        with_home=True,
    )

    assert saved.home is not None and saved.home.home.pending_total == 0  # one review lighter
    assert [(u[1], u[2]) for u in notifier.updated] == [(None, None)]  # found by its metadata


def test_a_refused_form_answers_the_modal_and_tells_slack_nothing(
    session: Session, library: Library
) -> None:
    assignment_id, _criteria, now = _review(session, library)
    notifier = FakeReviewNotifier()
    answered: list[ScoreSubmission] = []

    saved = submit_scores(
        b.sessions_like(session),
        assignment_id,
        "U3",  # not the reviewer
        lambda asked: (dict.fromkeys(asked, 4), ""),
        now,
        library=library,
        notifier=notifier,
        brief=BriefMessage("D3", "1772442000.000901"),
        on_saved=answered.append,
    )

    assert answered == [saved] and saved.target is None and saved.refusal
    assert notifier.updated == []
