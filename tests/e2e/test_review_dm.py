"""The reviewer's DM stays current: updated in place after scoring, and the half-way reminder
is two lines that link back to it instead of reposting the whole brief."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.emulator.stage import Stage
from tests.e2e.conftest import MEMBERS
from tests.e2e.test_reviews import (
    ANSWERS_CLOSE,
    MIDPOINT,
    buttons,
    open_modal,
    review_dm,
    scores,
    start_day,
)

ANA, BEN, CHI, DEV = MEMBERS


def labels(message: dict) -> list[str]:
    return [
        e["text"]["text"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def test_scoring_updates_the_dm_in_place_and_the_reminder_links_to_it(enrolled: Stage) -> None:
    stage = enrolled
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    dm = review_dm(stage, ANA)
    first, second = buttons(dm, "review_score")
    assert labels(dm).count("Score") == 2

    modal = open_modal(stage, ANA, "review_score", dm, first)
    stage.sender.submit_view(ANA, modal["id"], scores(stage, 3))
    updated = stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(ANA) if m.get("edited")), None)
    )
    assert updated["ts"] == dm["ts"] and len(stage.slack.dms(ANA)) == 1  # the same message
    assert labels(updated).count("Change scores") == 1 and labels(updated).count("Score") == 1
    text = json.dumps(updated["blocks"])
    assert "Scored 1 of 2" in text and "Scored. *Change scores* reopens" in text

    modal = open_modal(stage, ANA, "review_score", updated, second)
    stage.sender.submit_view(ANA, modal["id"], scores(stage, 4))
    stage.slack.wait_for(lambda: "scored all 2 answers" in json.dumps(stage.slack.dms(ANA)[0]))
    assert labels(stage.slack.dms(ANA)[0]).count("Change scores") == 2

    # Half-way: BEN has scored nothing; his reminder is his brief again, buttons and all, found
    # without asking Slack for his DM's history (two Tier 3 calls a reminder, before).
    lookups = len(stage.slack.calls_to("conversations.history"))
    stage.run_job("close-reviews", MIDPOINT)
    brief, reminder = stage.slack.dms(BEN)
    assert reminder["text"].startswith("Reminder")
    assert "Half-way through reviews" in json.dumps(reminder["blocks"])
    assert labels(reminder).count("Score") == labels(brief).count("Score") == 2
    assert len(stage.slack.calls_to("conversations.history")) == lookups
    # ANA, all scored, gets no reminder (only stand-in offers for others' undone reviews).
    assert not [m for m in stage.slack.dms(ANA) if m["text"].startswith("Reminder")]
