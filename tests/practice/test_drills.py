"""Drill answers and their review on request, in the domain: who is asked, once, load even;
the answer locked once asked; the review's 48 hours and its required criteria."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.content import Library
from bot.models import DrillAnswer, GoalMessage
from bot.practice.members.drill_reviews import (
    DRILL_REVIEW_HOURS,
    claim_drill_brief,
    open_drill_review,
    score_drill,
    unsent_drill_briefs,
)
from bot.practice.members.drills import ask_drill_review, record_drill_reply
from bot.practice.members.settings import MemberPrefs, save_prefs, set_away
from tests import builders as b
from tests.conftest import utc

NOW = utc(2026, 3, 10, 15)


def drill(session: Session, library: Library, day: int = 0) -> int:
    """A drill DM sent `day` days after NOW's, and ana's first reply in its thread."""
    prompt = library.packs["pmm"].prompts[0]
    thread = f"{10 + day}.0"
    message = GoalMessage(
        team_id="T1",
        user_id="ana",
        kind="drill",
        period=NOW.date() + timedelta(days=day),
        detail=prompt.id,
        claimed_at=NOW,
        sent_at=NOW,
        message_ts=thread,
    )
    session.add(message)
    session.flush()
    reply = f"{10 + day}.5"
    return record_drill_reply(session, message, "pmm", "D1", reply, "My answer.", NOW).drill_id


def channel_with(session: Session, *answerers: str) -> None:
    ch = b.channel(session)
    p = b.post(session, ch, date(2026, 3, 9))
    for user in answerers:
        b.answer(session, p, user)


def test_replies_join_until_a_review_is_asked_and_a_redelivery_is_taken_once(
    session: Session, library: Library
) -> None:
    channel_with(session, "ana", "ben")
    drill_id = drill(session, library)
    message = session.get(GoalMessage, 1)
    assert message is not None
    again = record_drill_reply(session, message, "pmm", "D1", "10.5", "My answer.", NOW)
    assert (again.drill_id, again.first) == (drill_id, False)
    record_drill_reply(session, message, "pmm", "D1", "12.0", "And more.", NOW)
    row = session.get(DrillAnswer, drill_id)
    assert row is not None and row.text == "My answer.\n\nAnd more."
    assert ask_drill_review(session, "T1", "ana", drill_id, NOW).status == "asked"
    late = record_drill_reply(session, message, "pmm", "D1", "13.0", "Too late.", NOW)
    assert late.locked and "Too late" not in row.text


def test_the_reviewer_is_not_the_author_nor_away_nor_reminders_none_and_load_is_even(
    session: Session, library: Library
) -> None:
    channel_with(session, "ana", "ben", "chi", "dev", "eve")
    set_away(session, "T1", "ben", MemberPrefs(), date(2026, 3, 20), NOW)
    save_prefs(session, "T1", "eve", MemberPrefs(reminders="none"), NOW)
    asked = [
        ask_drill_review(session, "T1", "ana", drill(session, library, day), NOW)
        for day in (0, 1, 2)
    ]
    reviewers = [r.reviewer_id for r in asked]
    assert all(r.status == "asked" for r in asked)
    assert set(reviewers) <= {"chi", "dev"} and reviewers.count("chi") in (1, 2)
    assert reviewers[:2] == ["chi", "dev"]  # the least loaded first, then by id


def test_a_second_ask_changes_nothing_and_nobody_free_keeps_it_askable(
    session: Session, library: Library
) -> None:
    channel_with(session, "ana", "ben")
    drill_id = drill(session, library)
    set_away(session, "T1", "ben", MemberPrefs(), date(2026, 3, 20), NOW)
    assert ask_drill_review(session, "T1", "ana", drill_id, NOW).status == "nobody"
    assert ask_drill_review(session, "T1", "ben", drill_id, NOW).status == "unknown"  # not theirs
    later = NOW + timedelta(days=11)  # ben is back
    first = ask_drill_review(session, "T1", "ana", drill_id, later)
    assert (first.status, first.reviewer_id) == ("asked", "ben")
    assert ask_drill_review(session, "T1", "ana", drill_id, later).status == "already"


def test_scores_need_every_applicable_criterion_within_48_hours(
    session: Session, library: Library
) -> None:
    channel_with(session, "ana", "ben")
    drill_id = drill(session, library)
    ask_drill_review(session, "T1", "ana", drill_id, NOW)
    assert unsent_drill_briefs(session, NOW) == [drill_id]
    brief = claim_drill_brief(session, drill_id, NOW, library)
    assert brief is not None and claim_drill_brief(session, drill_id, NOW, library) is None
    assert unsent_drill_briefs(session, NOW) == []
    pack = library.packs["pmm"]
    assert brief.criteria == pack.criteria_for(pack.prompts[0])
    ids = [c.id for c in brief.criteria]

    part = score_drill(session, drill_id, "ben", {ids[0]: 3}, "", NOW, library)
    assert part.field_errors and set(part.field_errors) == set(ids[1:])
    assert isinstance(open_drill_review(session, drill_id, "chi", NOW, library), str)
    first = score_drill(session, drill_id, "ben", dict.fromkeys(ids, 4), "Good.", NOW, library)
    assert first.result is not None and first.result.scores[0][1] == 4
    second = score_drill(session, drill_id, "ben", dict.fromkeys(ids, 5), "", NOW, library)
    assert second.brief is not None and second.result is None  # the author is told once
    closed = NOW + timedelta(hours=DRILL_REVIEW_HOURS)
    assert score_drill(session, drill_id, "ben", dict.fromkeys(ids, 1), "", closed, library).refusal
    row = session.get(DrillAnswer, drill_id)
    assert row is not None and row.scores == dict.fromkeys(ids, 5)
