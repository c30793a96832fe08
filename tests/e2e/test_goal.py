"""A target interview as a member sees it: the countdown, the weekly plan naming their weakest
criteria, a daily drill in the last 10 days, and "how did it go?" after the date."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from bot.models import Answer, PromptPost
from tests import builders as b
from tests.e2e.conftest import CHANNEL, CREATOR, MEMBERS, Handled
from tests.e2e.reads import NINE_NY, post_prompt, scalar
from tests.e2e.test_member_settings import home_text, practice

ANA, BEN, CHI, _DEV = MEMBERS  # ANA is in New York


def dm_texts(stage: Stage, user: str) -> list[str]:
    return [json.dumps(m) for m in stage.slack.dms(user)]


def test_a_target_interview_brings_a_countdown_a_plan_drills_and_a_follow_up(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    stage.sender.post(ANA, CHANNEL, "Launch in one market first, with a holdout.", thread)
    stage.slack.wait_for(lambda: scalar(stage, select(Answer.id)) is not None)
    pack = stage.runtime.library.packs["pmm"]
    kind = str(scalar(stage, select(PromptPost.prompt))["kind"])
    rubric = [c.id for c in pack.rubric_for(kind)]
    weakest, second = rubric[0], rubric[1]
    with unit_of_work(stage.runtime.sessions) as session:
        answer = session.scalars(select(Answer)).one()
        for reviewer in (BEN, CHI):
            scores = {c: 4 for c in rubric} | {weakest: 1, second: 2}
            b.review(session, answer, reviewer, scores)
        session.commit()
        answered = session.scalars(select(PromptPost.prompt_id)).one()

    stage.set_time(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))  # 10:00 in New York
    reply = practice(stage, ANA, "goal 2026-03-20 pmm Acme Corp | final round")
    assert "Target interview set" in reply and "*18 days* to your interview at Acme Corp" in reply
    assert "Weekly plan by DM: on." in practice(stage, ANA, "goal plan on")
    assert "*18 days* to your interview at Acme Corp on 2026-03-20" in home_text(stage, ANA)

    stage.run_job("goal-dms")
    (plan,) = stage.slack.wait_for(lambda: dm_texts(stage, ANA))
    names = {c.id: c.name for c in pack.rubric_for(kind)}
    assert "Your plan this week" in plan and "Book a live mock" in plan
    assert f"*{names[weakest]}*: 1.0 / 5 from 2 scores" in plan
    assert f"*{names[second]}*: 2.0 / 5 from 2 scores" in plan
    assert "Today's drill" not in plan  # 18 days out: no drill yet
    stage.run_job("goal-dms", stage.now() + timedelta(hours=3))
    handled(stage)
    assert len(stage.slack.dms(ANA)) == 1  # one plan a week

    ten_days = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 10:00 in New York (EDT)
    stage.run_job("goal-dms", ten_days)
    stage.slack.wait_for(lambda: len(stage.slack.dms(ANA)) == 3)  # the week's plan and a drill
    drill = next(t for t in dm_texts(stage, ANA) if "Today's drill" in t)
    assert "10 days to go" in drill
    first_drill = [p for p in pack.prompts if p.title in drill]
    assert first_drill and all(p.id != answered for p in first_drill)
    stage.run_job("goal-dms", ten_days + timedelta(hours=2))
    stage.run_job("goal-dms", ten_days + timedelta(days=1))
    stage.slack.wait_for(lambda: len(stage.slack.dms(ANA)) == 4)  # one drill a day
    drills = [t for t in dm_texts(stage, ANA) if "Today's drill" in t]
    assert len(drills) == 2 and drills[0] != drills[1]  # a new prompt each day

    stage.run_job("goal-dms", datetime(2026, 3, 21, 14, 0, tzinfo=UTC))
    after = stage.slack.wait_for(lambda: [t for t in dm_texts(stage, ANA) if "How did it go" in t])
    assert len(after) == 1
    shared = practice(stage, ANA, "goal went They asked me to price a B2B add-on")
    assert "prompt idea for the managers, without your name" in shared
    assert "only this channel's creator" in practice(stage, BEN, "ideas")
    ideas = practice(stage, CREATOR, "ideas")
    assert "price a B2B add-on" in ideas and "(Acme Corp)" in ideas and ANA not in ideas
