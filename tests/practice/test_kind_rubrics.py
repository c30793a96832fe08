"""Reviews and mocks score a prompt on its kind's rubric: a behavioural story or a pitch gets
its own criteria, every other kind the pack's default; narrowed to the criteria the prompt
applies (tests/practice/test_applicable_criteria.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from bot.content import Library
from bot.practice.mocks.queue import MockError
from bot.practice.mocks.request import request_mock
from bot.practice.mocks.rounds import get_round, mock_rubric, record_mock_scores
from bot.practice.reviews.votes import rubric_for
from tests import builders as b


@pytest.mark.parametrize(
    ("kind", "ids"),
    [
        ("behavioural", ["situation", "action", "result", "learning"]),
        ("pitch", ["lead", "proof", "ownership", "fit"]),
        ("measurement", ["hypothesis", "measurement", "focus", "rollout", "platform", "numbers"]),
    ],
)
def test_a_post_is_scored_on_its_kinds_rubric(
    session: Session, library: Library, kind: str, ids: list[str]
) -> None:
    pack = library.packs["pmm"]
    prompt = next(p for p in pack.prompts if p.kind == kind)
    post = b.post(session, b.channel(session), date(2026, 3, 2))
    post.prompt = prompt.snapshot()
    session.commit()
    # The kind's rubric, narrowed to the criteria the prompt applies (all, when it names none).
    applies = [c for c in ids if c in prompt.criteria]
    assert [c.id for c in rubric_for(session, post.id, "pmm", library)] == applies
    assert len(applies) >= 2


def test_a_post_from_before_kinds_had_rubrics_gets_the_default(
    session: Session, library: Library
) -> None:
    post = b.post(session, b.channel(session), date(2026, 3, 2))  # a snapshot with no kind
    assert rubric_for(session, post.id, "pmm", library) == library.packs["pmm"].rubric


def test_a_mock_round_is_scored_on_its_kinds_rubric(session: Session, library: Library) -> None:
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    request_mock(session, "T1", "U1", "", 0, now, library=library)
    match_id = request_mock(session, "T1", "U2", "", 0, now, library=library).match_id
    assert match_id is not None
    rnd = get_round(session, match_id, 1)
    pack = library.packs["pmm"]
    story = next(p for p in pack.prompts if p.kind == "behavioural")
    rnd.prompt = story.snapshot()
    session.commit()
    rubric = mock_rubric(session, match_id, 1, library)
    assert [c.id for c in rubric] == [c.id for c in pack.criteria_for(story)]
    assert {c.id for c in rubric} <= {"situation", "action", "result", "learning"}
    with pytest.raises(MockError):  # the default rubric's criteria do not apply to a story
        record_mock_scores(
            session,
            match_id,
            1,
            rnd.interviewer_id,
            {c.id: 4 for c in pack.rubric},
            now,
            library=library,
        )
    scored = record_mock_scores(
        session, match_id, 1, rnd.interviewer_id, {c.id: 4 for c in rubric}, now, library=library
    )
    assert scored.scored_at == now
