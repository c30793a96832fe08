"""A prompt's applicable criteria (`criteria:` in its file, kept in the post's snapshot) are the
only ones a post is scored on: the score form, the vote check, mock scoring and calibration.
A criterion that does not apply never gets a vote, so it never moves a mean or a leaderboard.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import Library, load_library
from bot.models import PromptPost, Vote
from bot.practice.calibration import samples_of
from bot.practice.mocks.queue import MockError
from bot.practice.mocks.request import request_mock
from bot.practice.mocks.rounds import get_round, mock_rubric, record_mock_scores
from bot.practice.reviews.votes import record_scores, rubric_for
from tests import builders as b
from tests.content.fixtures21 import fitted_prompt, write_fitted_pack


@pytest.fixture
def fitted(tmp_path: Path) -> Library:
    """A pmm pack of three criteria whose `fitted` prompt applies two, `whole` all three."""
    root = write_fitted_pack(tmp_path, fitted=fitted_prompt(), whole=fitted_prompt("whole", ""))
    library = load_library(root)
    assert library.errors == ()
    return library


def _post_of(session: Session, library: Library, prompt_id: str) -> int:
    prompt = library.packs["pmm"].prompt(prompt_id)
    assert prompt is not None
    post = b.post(session, b.channel(session), date(2026, 3, 2), prompt=prompt)
    session.commit()
    return post.id


def test_a_post_is_scored_only_on_its_prompts_criteria(session: Session, fitted: Library) -> None:
    post_id = _post_of(session, fitted, "fitted")
    assert [c.id for c in rubric_for(session, post_id, "pmm", fitted)] == ["hypothesis", "numbers"]


def test_a_prompt_naming_no_criteria_is_scored_on_the_whole_rubric(
    session: Session, fitted: Library
) -> None:
    post_id = _post_of(session, fitted, "whole")
    ids = [c.id for c in rubric_for(session, post_id, "pmm", fitted)]
    assert ids == ["hypothesis", "measurement", "numbers"]


def test_an_old_post_keeps_the_criteria_it_was_posted_with(
    session: Session, fitted: Library, tmp_path: Path
) -> None:
    post_id = _post_of(session, fitted, "fitted")
    # The prompt file is edited afterwards to apply all three: the old post does not change.
    root = write_fitted_pack(tmp_path / "edited", fitted=fitted_prompt("fitted", ""))
    edited = load_library(root)
    assert edited.packs["pmm"].prompts[0].criteria == ("hypothesis", "measurement", "numbers")
    assert [c.id for c in rubric_for(session, post_id, "pmm", edited)] == ["hypothesis", "numbers"]


def test_a_vote_on_a_criterion_that_does_not_apply_is_refused(
    session: Session, fitted: Library
) -> None:
    post_id = _post_of(session, fitted, "fitted")
    post = session.get(PromptPost, post_id)
    assert post is not None
    answer = b.answer(session, post, "U1")
    b.review(session, answer, "U2", challenge=None)
    session.commit()
    criteria = [c.id for c in rubric_for(session, post_id, "pmm", fitted)]
    now = post.answers_close_at + timedelta(hours=1)
    scores = {"hypothesis": 4, "numbers": 4, "measurement": 1}
    result = record_scores(session, answer.id, "U2", scores, None, now, criteria=criteria)
    assert not result.ok and result.refusal == "unknown-criterion"
    assert session.scalars(select(Vote)).all() == []
    result = record_scores(
        session, answer.id, "U2", {"hypothesis": 4, "numbers": 3}, None, now, criteria=criteria
    )
    assert result.ok
    assert sorted(session.scalars(select(Vote.criterion))) == ["hypothesis", "numbers"]


def test_reference_scores_are_kept_for_applicable_criteria_only(fitted: Library) -> None:
    prompt = fitted.packs["pmm"].prompt("fitted")
    assert prompt is not None
    snapshot = prompt.snapshot()
    # A snapshot whose samples also scored a criterion that does not apply (content from
    # before `criteria:`): that reference is dropped, so agreement never uses it.
    for sample in snapshot["calibration"]:
        sample["scores"]["measurement"] = 2
    samples = samples_of(snapshot)
    assert [s.level for s in samples] == ["middling", "weak", "strong"]  # middling offered first
    assert all(set(s.scores) == {"hypothesis", "numbers"} for s in samples)
    assert samples[0].why == {"hypothesis": "3: per the anchor", "numbers": "3: per the anchor"}


def test_a_mock_round_is_scored_on_its_prompts_criteria(session: Session, fitted: Library) -> None:
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    request_mock(session, "T1", "U1", "", 0, now, library=fitted)
    match_id = request_mock(session, "T1", "U2", "", 0, now, library=fitted).match_id
    assert match_id is not None
    rnd = get_round(session, match_id, 1)
    prompt = fitted.packs["pmm"].prompt("fitted")
    assert prompt is not None
    rnd.prompt = prompt.snapshot()
    session.commit()
    assert [c.id for c in mock_rubric(session, match_id, 1, fitted)] == ["hypothesis", "numbers"]
    with pytest.raises(MockError):  # measurement does not apply to this case
        record_mock_scores(
            session,
            match_id,
            1,
            rnd.interviewer_id,
            {"hypothesis": 4, "measurement": 4, "numbers": 4},
            now,
            library=fitted,
        )
