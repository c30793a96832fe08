"""The App Home: reviews waiting as buttons, the member's mock as buttons, the next prompt's
date; acting from it updates it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.emulator.stage import Stage
from tests.e2e.conftest import CHANNEL, MEMBERS
from tests.e2e.test_reviews import ANSWERS_CLOSE, assignment_table, scores, start_day

ANA, BEN, CHI, DEV = MEMBERS


def open_home(stage: Stage, user: str) -> dict[str, Any]:
    before = (stage.slack.home(user) or {}).get("hash")
    stage.sender.open_home(user)
    return stage.slack.wait_for(
        lambda: (h := stage.slack.home(user)) and h.get("hash") != before and h
    )


def buttons(view: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, action_id, value) of every button, in order, but the settings form's (always
    there; `tests/e2e/test_member_settings.py` covers it)."""
    found = []
    for block in view["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        for element in [*elements, block.get("accessory")]:
            if element and element.get("type") == "button":
                if element["action_id"] == "member_settings_open":
                    continue
                found.append((element["text"]["text"], element["action_id"], element.get("value")))
    return found


def command(stage: Stage, user: str, text: str) -> None:
    before = len(stage.slack.ephemerals(user=user))
    stage.sender.send_command(user, CHANNEL, "/mock", text)
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=user)[before:])


def test_home_lists_pending_reviews_as_buttons_and_scoring_there_updates_it(
    enrolled: Stage,
) -> None:
    stage = enrolled
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    mine = [str(i) for i, reviewer, _ in assignment_table(stage) if reviewer == ANA]

    home = open_home(stage, ANA)
    text = json.dumps(home["blocks"])
    assert "Reviews waiting for you* (2)" in text
    assert [v for label, _, v in buttons(home) if label == "Score"] == mine
    assert "Next prompt <!date^" in text and "Not in the queue" in text

    stage.sender.click(ANA, action_id="review_score", view_id=home["id"], value=mine[0])
    modal = stage.slack.wait_for(lambda: stage.slack.open_views(ANA))[0]
    stage.sender.submit_view(ANA, modal["id"], scores(stage, 4))
    stage.slack.wait_for(lambda: "for you* (1)" in json.dumps(stage.slack.home(ANA)))
    assert [v for label, _, v in buttons(stage.slack.home(ANA)) if label == "Score"] == mine[1:]
    # The review DM follows too, though its button was not the one pressed.
    (dm,) = stage.slack.dms(ANA)
    assert "Scored 1 of 2" in json.dumps(dm["blocks"])


def test_home_shows_the_mock_with_the_buttons_for_the_members_role(enrolled: Stage) -> None:
    stage = enrolled
    command(stage, ANA, "evenings")
    home = open_home(stage, ANA)
    assert "Number 1 of 1 in the queue" in json.dumps(home["blocks"])
    assert [label for label, _, _ in buttons(home)] == ["Leave the queue"]
    stage.sender.click(ANA, action_id="mock_leave_queue", view_id=home["id"])
    stage.slack.wait_for(lambda: "Not in the queue" in json.dumps(stage.slack.home(ANA)))

    command(stage, BEN, "any time")
    command(stage, CHI, "any time")  # matched: BEN asked first, so BEN is the candidate
    candidate, interviewer = open_home(stage, BEN), open_home(stage, CHI)
    assert [label for label, _, _ in buttons(candidate)] == ["Rate the interviewer"]
    assert [label for label, _, _ in buttons(interviewer)] == ["Score the candidate"]
    stage.sender.click(CHI, action_id="mock_feedback", view_id=interviewer["id"])
    modal = stage.slack.wait_for(lambda: stage.slack.open_views(CHI))[0]
    assert modal["callback_id"] == "mock_feedback_modal"
