"""The answer key kept back, and criteria that fit, as Slack users see them.

The day's prompt comes from a small pack in the issue-21 format whose prompt applies two of
its three criteria. The daily post must carry the case, its data and the hint but no line of
the key (covers, strong answers, samples); reviewers get the covers in their brief; the
closing thread note and the author summary show the key. The score modal asks only for the
criteria that apply, and the leaderboard counts nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.content import load_library
from bot.emulator.stage import Stage
from bot.models import CalibrationScore, Channel, Vote
from bot.practice.leaderboard.tally import tally_week
from bot.practice.schedule import week_start
from tests.content.fixtures21 import COVERS, HINT, SAMPLES, STRONG_ANSWERS, write_fitted_pack
from tests.e2e.conftest import ADMIN, CHANNEL, CREATOR, MEMBERS, Handled
from tests.e2e.reads import NINE_NY, read, rows
from tests.e2e.test_reviews import (
    ANSWERS_CLOSE,
    REVIEWS_CLOSE,
    buttons,
    open_modal,
    review_dm,
    start_day,
)

ANA, BEN, CHI, _ = MEMBERS


@pytest.fixture
def fitted(database_url: str, handled: Handled, tmp_path: Path) -> Iterator[Stage]:
    """The enrolled channel of the e2e stage, its content one pack with the fitted prompt."""
    content = write_fitted_pack(tmp_path / "content")
    library = load_library(content)
    assert library.errors == ()
    key = library.packs["pmm"].prompts[0]
    assert key.covers == COVERS and key.strong_answers == STRONG_ANSWERS
    with Stage(database_url, migrate=False, content_dir=content) as stage:
        stage.add_member(ADMIN, "ada", tz="Europe/London", admin=True)
        stage.add_member(CREATOR, "cleo", tz="America/New_York")
        for user in MEMBERS:
            stage.add_member(user, user[3:].lower(), tz="America/New_York")
        stage.add_channel(
            CHANNEL, "pmm-practice", creator=CREATOR, members=[ADMIN, CREATOR, *MEMBERS]
        )
        stage.enrol(CHANNEL, inviter=CREATOR)
        yield stage


def key_lines() -> list[str]:
    """Every line of the key: covers, strong answers, each sample answer and its reasons."""
    return [*COVERS, *STRONG_ANSWERS, *SAMPLES.values(), "per the anchor"]


def posted_to_channel(stage: Stage) -> str:
    """Everything the bot sent to the channel with chat.postMessage: text and blocks."""
    return "\n".join(
        json.dumps(call.args.get("blocks")) + "\n" + str(call.args.get("text"))
        for call in stage.slack.calls_to("chat.postMessage")
        if call.args.get("channel") == CHANNEL
    )


def shingles(line: str, n: int = 6) -> list[str]:
    words = re.findall(r"[\w$.']+", line)
    return [" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))]


def test_the_daily_post_carries_no_line_of_the_key(fitted: Stage) -> None:
    stage = fitted
    thread = start_day(stage, (ANA, BEN, CHI))
    posted = posted_to_channel(stage)
    # The post is there and carries the case, its data and the hint...
    assert "Two regions, one budget" in posted and "Cost per paying user" in posted
    assert "Growth has one budget for next quarter" in posted and HINT in posted
    # ...and not one line of the key, whole or in part (any run of six of its words).
    flat = " ".join(re.findall(r"[\w$.']+", posted))
    for line in key_lines():
        assert line not in posted, line
        for run in shingles(line):
            assert run not in flat, (line, run)

    # Reviewers get the covers in their brief; the key still is not in the channel.
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    brief = json.dumps(review_dm(stage, ANA)["blocks"])
    assert "What a complete answer covers" in brief
    assert all(line in brief for line in COVERS)
    assert all(line not in posted_to_channel(stage) for line in key_lines())

    # When reviews close, the thread note and each author's summary show the key.
    stage.run_job("close-reviews", REVIEWS_CLOSE)
    notes = json.dumps(stage.slack.thread(CHANNEL, thread))
    assert all(line in notes for line in (*COVERS, *STRONG_ANSWERS))
    summary = next(m for m in stage.slack.dms(BEN) if "Your reviews" in m["text"])
    shown = json.dumps(summary["blocks"])
    assert all(line in shown for line in (*COVERS, *STRONG_ANSWERS))


def test_the_score_modal_asks_only_for_the_criteria_that_apply(fitted: Stage) -> None:
    stage = fitted
    start_day(stage, (ANA, BEN, CHI))
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    dm = review_dm(stage, ANA)
    first = buttons(dm, "review_score")[0]
    modal = open_modal(stage, ANA, "review_score", dm, first)
    asked = [b["block_id"] for b in modal["blocks"] if b.get("type") == "input"]
    assert [a for a in asked if a != "comment"] == ["hypothesis", "numbers"]

    # Slack cannot send a score the modal has no input for (the emulator refuses it too).
    with pytest.raises(LookupError, match="measurement/score"):
        stage.sender.submit_view(ANA, modal["id"], {"measurement/score": "1"})
    scored = {"hypothesis/score": "4", "numbers/score": "2"}
    saved = stage.sender.submit_view(ANA, modal["id"], scored)
    assert saved.status == 200 and not (saved.json or {}).get("response_action")
    stage.slack.wait_for(lambda: rows(stage, select(Vote.criterion)))
    assert sorted(c for (c,) in rows(stage, select(Vote.criterion))) == ["hypothesis", "numbers"]

    # The week's leaderboard means: the two criteria, and the answer's mean is theirs (3.0).
    def week(session):  # type: ignore[no-untyped-def]
        channel = session.scalars(select(Channel)).one()
        return tally_week(session, channel, week_start(NINE_NY.date()))

    tally = read(stage, week)
    assert set(tally.criteria) == {"hypothesis", "numbers"}
    assert tally.criteria == {"hypothesis": 4.0, "numbers": 2.0}


def test_calibration_offers_the_middling_sample_on_the_applicable_criteria(
    fitted: Stage,
) -> None:
    stage = fitted
    start_day(stage, (ANA, BEN, CHI))
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    dm = review_dm(stage, BEN)
    (value,) = buttons(dm, "calibration_samples")
    samples = open_modal(stage, BEN, "calibration_samples", dm, value)
    shown = json.dumps(samples["blocks"])
    order = [shown.index(f"A {level} answer") for level in ("middling", "weak", "strong")]
    assert order == sorted(order)  # the middling sample comes first

    before = {v["id"] for v in stage.slack.open_views(BEN)}
    stage.sender.click(
        BEN,
        action_id="calibration_score",
        view_id=samples["id"],
        value=json.dumps({"a": int(value), "level": "middling"}),
    )
    form = stage.slack.wait_for(
        lambda: next((v for v in stage.slack.open_views(BEN) if v["id"] not in before), None)
    )
    asked = [b["block_id"] for b in form["blocks"] if b.get("type") == "input"]
    assert asked == ["hypothesis", "numbers"]
    stage.sender.submit_view(BEN, form["id"], {"hypothesis/score": "4", "numbers/score": "3"})
    result = json.dumps(stage.slack.view(form["id"])["blocks"])
    assert "(1 apart)" in result and "3: per the anchor" in result  # the pack's reason
    stored = rows(stage, select(CalibrationScore.level, CalibrationScore.criterion))
    assert sorted(stored) == [("middling", "hypothesis"), ("middling", "numbers")]
