"""A daily drill answered in its DM's thread: kept apart from the channel's answers, and
given to a reviewer of the member's channel who is not away when the member asks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.emulator.stage import Stage
from bot.models import Answer, DrillAnswer, Vote
from bot.slack.render.drill_review import DRILL_CHALLENGE_ACTION, DRILL_SCORE_ACTION
from bot.slack.render.goals import DRILL_REVIEW_ACTION
from tests.e2e.conftest import CHANNEL, MEMBERS, Handled
from tests.e2e.reads import NINE_NY, buttons, count, post_prompt, scalars
from tests.e2e.test_member_settings import practice
from tests.e2e.test_reviews import open_modal

ANA, BEN, CHI, DEV = MEMBERS  # ANA is in New York
TEN_DAYS = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 10:00 in New York (EDT)


def drill_dm(stage: Stage) -> dict[str, object]:
    stage.run_job("goal-dms", TEN_DAYS)
    return stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(ANA) if "Today's drill" in json.dumps(m)), None)
    )


def test_a_drill_answer_is_kept_apart_and_goes_to_a_reviewer_who_is_not_away(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    for user in (ANA, BEN, CHI):  # DEV never answers: not one of the channel's people
        stage.sender.post(user, CHANNEL, f"{user}: launch in one market first.", thread)
    stage.slack.wait_for(lambda: count(stage, Answer) == 3)
    stage.set_time(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    assert "Target interview set" in practice(stage, ANA, "goal 2026-03-20 pmm Acme")
    assert "You are away until" in practice(stage, BEN, "me away 2026-03-31")

    drill = drill_dm(stage)
    assert "Answer in this message's thread" in json.dumps(drill)
    stage.set_time(TEN_DAYS + timedelta(minutes=20))
    dm = str(stage.slack.dm_channel(ANA))
    stage.sender.post(ANA, dm, "Segment first, then price the add-on.", str(drill["ts"]))
    receipt = stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(ANA) if buttons(m, DRILL_REVIEW_ACTION)), None)
    )
    assert receipt.get("thread_ts") == drill["ts"]
    stage.sender.post(ANA, dm, "And test it with a holdout.", str(drill["ts"]))
    stage.slack.wait_for(
        lambda: any("holdout" in d.text for d in scalars(stage, select(DrillAnswer)))
    )
    handled(stage)
    (kept,) = scalars(stage, select(DrillAnswer))
    title = stage.runtime.library.packs["pmm"].prompt(kept.prompt_id).title
    assert kept.user_id == ANA and title in json.dumps(drill)
    assert kept.text == "Segment first, then price the add-on.\n\nAnd test it with a holdout."
    assert count(stage, Answer) == 3  # not a channel answer: no day, no points
    assert sum(1 for m in stage.slack.dms(ANA) if buttons(m, DRILL_REVIEW_ACTION)) == 1

    stage.sender.click(ANA, action_id=DRILL_REVIEW_ACTION, message=receipt)
    handled(stage)
    (asked,) = scalars(stage, select(DrillAnswer))
    assert asked.reviewer_id == CHI  # BEN is away, DEV is not of the channel, ANA is the author
    assert asked.review_asked_at is not None

    told = [m for m in stage.slack.dms(ANA) if m.get("ts") == receipt["ts"]]
    assert told and "will review your drill answer" in told[0]["text"]
    assert not buttons(told[0], DRILL_REVIEW_ACTION)  # asked once: the button is gone
    stage.sender.post(ANA, dm, "A late thought.", str(drill["ts"]))
    handled(stage)
    assert "late thought" not in scalars(stage, select(DrillAnswer))[0].text

    # CHI's brief: the prompt with its key, the answer, a Score button; nobody else gets one.
    (brief,) = stage.slack.wait_for(lambda: stage.slack.dms(CHI))
    prompt = stage.runtime.library.packs["pmm"].prompt(kept.prompt_id)
    assert prompt is not None and prompt.covers
    brief_text = json.dumps(brief)
    assert "holdout" in brief_text and json.dumps(prompt.covers[0])[1:-1] in brief_text
    assert stage.slack.dms(BEN) == [] and stage.slack.dms(DEV) == []
    challenge = open_modal(stage, CHI, DRILL_CHALLENGE_ACTION, brief, str(kept.id))
    stage.sender.submit_view(CHI, challenge["id"], {"challenge/text": "Why a holdout, not A/B?"})
    challenged = stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(ANA) if "not A/B" in json.dumps(m)), None)
    )
    assert challenged.get("thread_ts") == drill["ts"]  # in the drill's thread, signed
    assert "<@U03CHI>" in json.dumps(challenged)
    modal = open_modal(stage, CHI, DRILL_SCORE_ACTION, brief, str(kept.id))
    applicable = [c.id for c in stage.runtime.library.packs["pmm"].criteria_for(prompt)]
    assert [b["block_id"] for b in modal["blocks"] if b["type"] == "input"] == [
        *applicable,
        "comment",
    ]
    stage.sender.submit_view(
        CHI, modal["id"], {f"{c}/score": "4" for c in applicable} | {"comment/text": "Crisp."}
    )
    result = stage.slack.wait_for(
        lambda: next((m for m in stage.slack.dms(ANA) if "was reviewed" in m["text"]), None)
    )
    assert "*4* / 5" in json.dumps(result) and "Crisp." in json.dumps(result)
    (scored,) = scalars(stage, select(DrillAnswer))
    assert scored.scores == dict.fromkeys(applicable, 4) and scored.comment == "Crisp."
    assert count(stage, Answer) == 3 and count(stage, Vote) == 0  # no channel score either

    # Past the 48 hours the Score button is refused and nothing changes.
    stage.set_time(asked.review_asked_at + timedelta(hours=48))
    stage.sender.click(CHI, action_id=DRILL_SCORE_ACTION, message=brief, value=str(kept.id))
    closed = stage.slack.wait_for(
        lambda: [e for e in stage.slack.ephemerals(user=CHI) if "closed" in e.text]
    )
    assert "48 hours" in closed[0].text


def test_a_reply_in_another_dm_thread_is_not_kept(enrolled: Stage, handled: Handled) -> None:
    stage = enrolled
    stage.set_time(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    practice(stage, ANA, "goal 2026-03-20 pmm Acme")
    drill_dm(stage)
    dm = str(stage.slack.dm_channel(ANA))
    hello = stage.sender.post(ANA, dm, "Just saying hello.")  # not in a thread
    stage.sender.post(ANA, dm, "A reply in my own thread.", hello)
    handled(stage)
    assert scalars(stage, select(DrillAnswer)) == []
    assert not any(buttons(m, DRILL_REVIEW_ACTION) for m in stage.slack.dms(ANA))
