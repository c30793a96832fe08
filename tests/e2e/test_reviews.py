"""Skeptic reviews as Slack users see them: DMs, buttons, modals, the thread, summaries."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.emulator.stage import Stage
from bot.models import Answer, PromptPost, ReviewAssignment, Vote
from tests.e2e.conftest import ADMIN, CHANNEL, MEMBERS
from tests.e2e.reads import NINE_NY, buttons, count, post_prompt, prompts, rows, scalar

ANA, BEN, CHI, DEV = MEMBERS
ANSWERS_CLOSE = NINE_NY + timedelta(hours=6)
MIDPOINT = NINE_NY + timedelta(hours=15)
REVIEWS_CLOSE = NINE_NY + timedelta(hours=24)


def rubric_ids(stage: Stage) -> list[str]:
    """The criteria the latest post is scored on (its kind's rubric, those its prompt applies):
    the score modal asks for exactly these."""
    snapshot = scalar(stage, select(PromptPost.prompt).order_by(PromptPost.id.desc()).limit(1))
    pack = stage.runtime.library.packs["pmm"]
    return [c.id for c in pack.criteria_of_snapshot(snapshot or {})]


def start_day(stage: Stage, answerers: tuple[str, ...]) -> str:
    """Post the prompt; each answerer replies in its thread; returns the thread ts."""
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    for user in answerers:
        stage.sender.post(user, CHANNEL, f"{user}: launch in one market with a holdout.", thread)
    stage.slack.wait_for(lambda: count(stage, Answer) == len(answerers))
    return thread


def assignment_table(stage: Stage) -> list[tuple[int, str, str]]:
    """(assignment id, reviewer, author) for every assignment."""
    return [
        (a, r, u)
        for a, r, u in rows(
            stage,
            select(ReviewAssignment.id, ReviewAssignment.reviewer_id, Answer.user_id)
            .join(Answer, Answer.id == ReviewAssignment.answer_id)
            .order_by(ReviewAssignment.id),
        )
    ]


def review_dm(stage: Stage, user: str) -> dict[str, Any]:
    """The reviewer's one brief (a half-way reminder is the brief again: not this one)."""
    (dm,) = [m for m in stage.slack.dms(user) if buttons(m, "review_score")
             and not m["text"].startswith("Reminder")]  # fmt: skip
    return dm


def open_modal(stage: Stage, user: str, action_id: str, dm: dict[str, Any], value: str) -> dict:
    before = {v["id"] for v in stage.slack.open_views(user)}
    stage.sender.click(user, action_id=action_id, message=dm, value=value)
    return stage.slack.wait_for(
        lambda: next((v for v in stage.slack.open_views(user) if v["id"] not in before), None)
    )


def scores(stage: Stage, value: int) -> dict[str, Any]:
    return {f"{c}/score": str(value) for c in rubric_ids(stage)}


@pytest.mark.both_stacks
def test_a_full_day_of_skeptic_reviews(enrolled: Stage) -> None:
    stage = enrolled
    thread = start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE - timedelta(minutes=1))
    assert assignment_table(stage) == []

    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    table = assignment_table(stage)
    # Each answer gets two reviewers, never its author; everyone reviews two.
    assert len(table) == 8 and all(r != a for _, r, a in table)
    assert Counter(a for _, _, a in table) == dict.fromkeys(MEMBERS, 2)
    assert Counter(r for _, r, _ in table) == dict.fromkeys(MEMBERS, 2)
    assert len({(r, a) for _, r, a in table}) == 8

    # One DM per reviewer: their answers, authors, permalinks, the prompt's challenges.
    for user in MEMBERS:
        dm = review_dm(stage, user)
        mine = {str(i) for i, r, _ in table if r == user}
        assert set(buttons(dm, "review_score")) == mine
        assert set(buttons(dm, "review_challenge")) == mine
        text = json.dumps(dm["blocks"])
        for _, r, author in table:
            if r == user:
                assert f"<@{author}>" in text
        assert "/archives/" in text and "Skeptic challenges" in text
    stage.run_job("assign-reviewers", ANSWERS_CLOSE + timedelta(hours=1))
    assert sum(len(stage.slack.dms(u)) for u in MEMBERS) == 4  # nothing sent twice

    # ANA scores her first answer: the modal round-trips and re-opens pre-filled.
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    dm = review_dm(stage, ANA)
    first, second = buttons(dm, "review_score")
    modal = open_modal(stage, ANA, "review_score", dm, first)
    blocks = {b.get("block_id"): b for b in modal["blocks"]}
    for criterion in rubric_ids(stage):
        element = blocks[criterion]["element"]
        assert element["type"] == "radio_buttons"
        assert [o["value"] for o in element["options"]] == ["1", "2", "3", "4", "5"]
        assert element["options"][0].get("description")  # the 1/3/5 anchors are shown
    saved = stage.sender.submit_view(
        ANA, modal["id"], {**scores(stage, 2), "comment/text": "Which metric decides?"}
    )
    assert saved.status == 200 and not (saved.json or {}).get("response_action")
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=ANA))
    assert "Saved your scores" in stage.slack.ephemerals(user=ANA)[-1].text
    again = open_modal(stage, ANA, "review_score", dm, first)
    prefilled = {b.get("block_id"): b for b in again["blocks"]}
    assert prefilled[rubric_ids(stage)[0]]["element"]["initial_option"]["value"] == "2"
    assert prefilled["comment"]["element"]["initial_value"] == "Which metric decides?"
    stage.sender.submit_view(ANA, again["id"], scores(stage, 4))
    assert count(stage, Vote) == len(rubric_ids(stage))
    assert {s for (s,) in rows(stage, select(Vote.score))} == {4}
    modal = open_modal(stage, ANA, "review_score", dm, second)
    stage.sender.submit_view(ANA, modal["id"], scores(stage, 3))

    # BEN challenges one answer: it appears in the thread, addressed and signed.
    ben_dm = review_dm(stage, BEN)
    target = buttons(ben_dm, "review_challenge")[0]
    author = next(a for i, _, a in table if str(i) == target)
    modal = open_modal(stage, BEN, "review_challenge", ben_dm, target)
    empty = stage.sender.submit_view(BEN, modal["id"], {"challenge/text": "  "})
    assert empty.json["response_action"] == "errors" and "challenge" in empty.json["errors"]
    stage.sender.submit_view(BEN, modal["id"], {"challenge/text": "What is the control group?"})
    posted = stage.slack.wait_for(
        lambda: [m for m in stage.slack.thread(CHANNEL, thread) if "control group" in str(m)]
    )
    assert f"<@{author}>" in json.dumps(posted[0]["blocks"])
    assert f"<@{BEN}>, skeptic reviewer" in json.dumps(posted[0]["blocks"])

    # Half-way: one reminder to each reviewer who has not scored; ANA has scored both.
    stage.run_job("close-reviews", MIDPOINT)
    stage.run_job("close-reviews", MIDPOINT + timedelta(hours=1))
    for user in (BEN, CHI, DEV):
        assert [m for m in stage.slack.dms(user) if "Reminder" in m["text"]], user
        assert len(stage.slack.dms(user)) == 2
    # ANA, done with her own reviews, is offered the undone ones as a stand-in instead.
    offers = [m for m in stage.slack.dms(ANA) if buttons(m, "review_standin_take")]
    assert offers and len(stage.slack.dms(ANA)) == 1 + len(offers)

    # Close: summaries once to each author, the notes once in the thread.
    stage.run_job("close-reviews", REVIEWS_CLOSE)
    stage.run_job("close-reviews", REVIEWS_CLOSE + timedelta(hours=1))
    for user in MEMBERS:
        summaries = [m for m in stage.slack.dms(user) if "Your reviews" in m["text"]]
        assert len(summaries) == 1, user
    challenged = next(m for m in stage.slack.dms(author) if "Your reviews" in m["text"])
    assert "What is the control group?" in json.dumps(challenged["blocks"])
    notes = [m for m in stage.slack.thread(CHANNEL, thread) if "What strong answers did" in str(m)]
    assert len(notes) == 1
    missed = rows(stage, select(ReviewAssignment.reviewer_id).where(ReviewAssignment.missed))
    assert sorted(r for (r,) in missed) == sorted([BEN, BEN, CHI, CHI, DEV, DEV])


def test_self_unassigned_late_and_duplicate_votes(enrolled: Stage) -> None:
    stage = enrolled
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    table = assignment_table(stage)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))

    # A button for an answer of ANA's own, clicked by ANA (a forwarded or forged click).
    own = next(i for i, _, a in table if a == ANA)
    reviewer = next(r for i, r, _ in table if i == own)
    stage.sender.click(
        ANA, action_id="review_score", message=review_dm(stage, reviewer), value=str(own)
    )
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=ANA))
    assert "your own answer" in stage.slack.ephemerals(user=ANA)[-1].text
    # Someone not assigned (the admin) clicks a reviewer's button.
    stage.sender.click(
        ADMIN, action_id="review_score", message=review_dm(stage, reviewer), value=str(own)
    )
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=ADMIN))
    assert (
        "not one of this answer's assigned reviewers" in stage.slack.ephemerals(user=ADMIN)[-1].text
    )
    assert stage.slack.open_views(ANA) == [] and stage.slack.open_views(ADMIN) == []

    # Double submission of the same scoring modal: one score per criterion.
    dm = review_dm(stage, BEN)
    first = buttons(dm, "review_score")[0]
    modal = open_modal(stage, BEN, "review_score", dm, first)
    for _ in range(2):
        stage.sender.submit_view(BEN, modal["id"], scores(stage, 5))
    assert count(stage, Vote) == len(rubric_ids(stage))

    # A replayed challenge submission posts once.
    challenge = open_modal(stage, BEN, "review_challenge", dm, first)
    for _ in range(2):
        stage.sender.submit_view(BEN, challenge["id"], {"challenge/text": "Why that market?"})
    stage.slack.wait_for(
        lambda: [e for e in stage.slack.ephemerals(user=BEN) if "Posted your challenge" in e.text]
    )
    posts = [m for m in stage.slack.messages(CHANNEL, include_thread=True) if "Why that" in str(m)]
    assert len(posts) == 1

    # A modal opened before the close and submitted after it: refused, nothing changes.
    late = open_modal(
        stage,
        CHI,
        "review_score",
        review_dm(stage, CHI),
        buttons(review_dm(stage, CHI), "review_score")[0],
    )
    stage.set_time(REVIEWS_CLOSE + timedelta(minutes=1))
    refused = stage.sender.submit_view(CHI, late["id"], scores(stage, 1))
    assert refused.json["response_action"] == "update"
    assert "closed" in json.dumps(refused.json["view"])
    assert count(stage, Vote) == len(rubric_ids(stage))
    # And a stale button after the close is answered plainly.
    stage.sender.click(
        CHI,
        action_id="review_score",
        message=review_dm(stage, CHI),
        value=buttons(review_dm(stage, CHI), "review_score")[0],
    )
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=CHI))
    assert "closed" in stage.slack.ephemerals(user=CHI)[-1].text


def test_lone_answerer_gets_a_volunteer_or_a_plain_note(enrolled: Stage) -> None:
    stage = enrolled
    thread = start_day(stage, (ANA,))
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    note = stage.slack.wait_for(
        lambda: [m for m in stage.slack.thread(CHANNEL, thread) if "Nobody could" in m["text"]]
    )
    assert f"<@{ANA}>" in note[0]["text"]
    assert stage.slack.dms(ANA) == []

    # The next day, BEN volunteers and reviews ANA's answer.
    stage.sender.send_command(BEN, CHANNEL, "/practice", "review on")
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=BEN))
    assert "volunteer reviewer" in stage.slack.ephemerals(user=BEN)[-1].text
    day_two = NINE_NY + timedelta(days=1)
    stage.run_job("post-prompt", day_two)
    stage.set_time(day_two + timedelta(minutes=30))
    stage.sender.post(ANA, CHANNEL, "Day two answer.", str(prompts(stage)[-1]["ts"]))
    stage.slack.wait_for(lambda: count(stage, Answer) == 2)
    stage.run_job("assign-reviewers", day_two + timedelta(hours=6))
    dm = review_dm(stage, BEN)
    assert "<@" + ANA + ">" in json.dumps(dm["blocks"])
