"""A rubric change never rewrites the past: votes and mock scores cast on criteria the pack
has since retired keep their ids, and every view of that week still names them.

The week's votes are written with the models, as the rubric of that time had them (the
reviews feature writes the same rows); everything read back goes through the real app.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from bot.models import Answer, Vote
from tests import builders as b
from tests.e2e.conftest import ADMIN, CHANNEL, MEMBERS
from tests.e2e.test_leaderboard import NEXT_MONDAY_NINE, leaderboard_messages, reply_to, text_of
from tests.e2e.test_reviews import NINE_NY, REVIEWS_CLOSE, start_day

ANA, BEN, CHI, DEV = MEMBERS
# The pmm rubric before format v2: `outcome` and `ecosystem` are retired now.
BEFORE = {"hypothesis": 3, "measurement": 3, "focus": 4, "outcome": 5, "rollout": 3, "ecosystem": 1}


def test_retired_criteria_keep_their_names_in_every_view_of_an_earlier_week(
    stage: Stage,
) -> None:
    pack = stage.runtime.library.pack("pmm")
    assert pack is not None
    assert pack.criterion("outcome") is not None and pack.criterion("outcome").retired  # type: ignore[union-attr]
    assert "outcome" not in {c.id for c in pack.rubric}

    stage.enrol(CHANNEL, inviter=ANA)
    start_day(stage, (ANA, BEN))
    with unit_of_work(stage.runtime.sessions) as session:
        answers = {a.user_id: a for a in session.scalars(select(Answer))}
        # Four reviewers an answer: 8 scores a criterion, enough for the weekly post to name
        # the channel's strongest and weakest criteria.
        for reviewer in (BEN, CHI, DEV, ADMIN):
            b.review(session, answers[ANA], reviewer, BEFORE)
        for reviewer in (ANA, CHI, DEV, ADMIN):
            b.review(session, answers[BEN], reviewer, dict.fromkeys(BEFORE, 2))
        b.mock(session, ANA, BEN, {"outcome": 4, "ecosystem": 2}, NINE_NY, team_id=stage.team_id)
        session.commit()

    # The author's summary when reviews close names every criterion the votes used.
    stage.run_job("close-reviews", REVIEWS_CLOSE)
    summary = stage.slack.wait_for(
        lambda: [m for m in stage.slack.dms(ANA) if "Your reviews" in str(m.get("text"))]
    )[0]
    body = text_of(summary["blocks"])
    assert "*Business outcome over vanity*: 5.0 / 5" in body
    assert "*Ecosystem and partners*: 1.0 / 5" in body
    assert "*Focus*: 4.0 / 5" in body

    # The weekly post: strongest and weakest criteria of that week are the retired ones.
    stage.run_job("post-leaderboard", NEXT_MONDAY_NINE)
    (post,) = leaderboard_messages(stage)
    board = text_of(post["blocks"])
    assert "*Channel's strongest criterion:* Business outcome over vanity (3.5 / 5" in board
    assert "*Channel's weakest criterion:* Ecosystem and partners (1.5 / 5" in board

    # Personal stats and mock stats, read a week later, still name them.
    stage.set_time(NEXT_MONDAY_NINE + timedelta(hours=1))
    stats = reply_to(stage, ANA, "stats")
    assert "Business outcome over vanity: 5.0 (one week scored so far)" in stats
    before = len(stage.slack.ephemerals(user=ANA))
    stage.sender.send_command(ANA, CHANNEL, "/mock", "stats")
    mock = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=ANA)[before:])[-1].text
    assert "Business outcome over vanity: 4.0" in mock and "Ecosystem and partners: 2.0" in mock
    with unit_of_work(stage.runtime.sessions) as session:
        stored = set(session.scalars(select(Vote.criterion).distinct()))
    assert stored == set(BEFORE)  # nothing renamed the votes' criteria
