"""Calibration from the reviewer's side: the review DM and the score modal open the prompt's
sample answers; the pack's scores stay hidden until asked for; scoring a sample stores it and
shows it next to the pack's; `/practice stats` then shows the reviewer's agreement with it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from bot.models import CalibrationScore, PromptPost
from tests.e2e.conftest import CHANNEL, MEMBERS
from tests.e2e.test_reviews import (
    ANSWERS_CLOSE,
    buttons,
    open_modal,
    review_dm,
    rows,
    rubric_ids,
    start_day,
)

WEAK = "We launched everywhere at once and the press loved it.\n\nNo holdout; views went up."
STRONG = "One market first, a matched holdout, and Day-30 retention as the bar to clear."


def add_samples(stage: Stage) -> dict[str, int]:
    """The day's prompt gets the content format's calibration samples (issue 15's spec)."""
    first, second = rubric_ids(stage)[:2]
    weak = {first: 1, second: 2}
    with unit_of_work(stage.runtime.sessions) as session:
        post = session.scalars(select(PromptPost)).one()
        snapshot = dict(post.prompt)
        snapshot["calibration"] = [
            {"level": "weak", "answer": WEAK, "scores": weak},
            {"level": "strong", "answer": STRONG, "scores": {first: 5, second: 4}},
        ]
        session.execute(update(PromptPost).values(prompt=snapshot))
        session.commit()
    return weak


def new_view(stage: Stage, user: str, before: set[str]) -> dict[str, Any]:
    return stage.slack.wait_for(
        lambda: next((v for v in stage.slack.open_views(user) if v["id"] not in before), None)
    )


def test_a_reviewer_opens_the_samples_scores_one_and_sees_their_agreement(
    enrolled: Stage,
) -> None:
    stage = enrolled
    start_day(stage, tuple(MEMBERS[:3]))
    weak = add_samples(stage)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    reviewer = MEMBERS[0]
    dm = review_dm(stage, reviewer)
    (value,) = buttons(dm, "calibration_samples")
    assert buttons(dm, "review_score")  # the review's own buttons are still there

    samples = open_modal(stage, reviewer, "calibration_samples", dm, value)
    shown = json.dumps(samples["blocks"])
    assert "A weak answer" in shown and "A strong answer" in shown
    assert "\\n> No holdout; views went up." in shown  # every line quoted
    assert "The pack's scores" not in shown  # hidden until asked for

    stage.sender.click(reviewer, action_id="calibration_reveal", view_id=samples["id"])
    revealed = stage.slack.wait_for(
        lambda: "The pack's scores" in json.dumps(stage.slack.view(samples["id"])["blocks"])
    )
    assert revealed

    before = {v["id"] for v in stage.slack.open_views(reviewer)}
    stage.sender.click(reviewer, action_id="calibration_score", view_id=samples["id"])
    form = new_view(stage, reviewer, before)
    assert form["previous_view_id"] == samples["id"]  # pushed over the samples, not replacing
    given = {f"{c}/score": str(s + 1) for c, s in weak.items()}
    stage.sender.submit_view(reviewer, form["id"], given)
    result = json.dumps(stage.slack.view(form["id"])["blocks"])
    assert "your scores and the pack's" in result and "(1 apart)" in result
    stored = rows(
        stage,
        select(CalibrationScore.criterion, CalibrationScore.score, CalibrationScore.reference),
    )
    assert sorted(stored) == sorted((c, s + 1, s) for c, s in weak.items())

    before_stats = len(stage.slack.ephemerals(user=reviewer))
    stage.sender.send_command(reviewer, CHANNEL, "/practice", "stats")
    note = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=reviewer)[before_stats:])[-1]
    assert "With the pack's scores of sample answers: 1.0 points apart on average" in note.text


def test_the_score_modal_opens_the_samples_on_top_of_itself(enrolled: Stage) -> None:
    stage = enrolled
    start_day(stage, tuple(MEMBERS[:3]))
    add_samples(stage)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    reviewer = MEMBERS[1]
    dm = review_dm(stage, reviewer)
    score = open_modal(stage, reviewer, "review_score", dm, buttons(dm, "review_score")[0])
    assert buttons(score, "calibration_samples")
    before = {v["id"] for v in stage.slack.open_views(reviewer)}
    stage.sender.click(reviewer, action_id="calibration_samples", view_id=score["id"])
    samples = new_view(stage, reviewer, before)
    assert samples["previous_view_id"] == score["id"]  # the score modal stays underneath
    assert "A strong answer" in json.dumps(samples["blocks"])


def test_prompts_without_samples_show_no_button(enrolled: Stage) -> None:
    stage = enrolled
    start_day(stage, tuple(MEMBERS[:3]))
    with unit_of_work(stage.runtime.sessions) as session:  # a prompt from before calibration
        post = session.scalars(select(PromptPost)).one()
        snapshot = {k: v for k, v in post.prompt.items() if k != "calibration"}
        session.execute(update(PromptPost).values(prompt=snapshot))
        session.commit()
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    dm = review_dm(stage, MEMBERS[0])
    assert buttons(dm, "calibration_samples") == []
