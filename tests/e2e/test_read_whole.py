"""What members read is never cut silently: long answers, challenges and summaries arrive whole
(split over blocks), shortened text ends with "..." and a link, the chart has alt text."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from bot.models import Answer, Challenge
from tests.e2e.conftest import CHANNEL, MEMBERS
from tests.e2e.test_reviews import (
    ANSWERS_CLOSE,
    NINE_NY,
    REVIEWS_CLOSE,
    assignment_table,
    count,
    open_modal,
    review_dm,
    rubric_ids,
    scores,
)

ANA, BEN, CHI, DEV = MEMBERS
PARAGRAPHS = [
    "Situation: creators churned & the team blamed <pay>. " + "We looked at cohorts. " * 60,
    "What I did: a first-post boost for new creators, tested against a holdout. " * 20,
    "Result: Day-30 retention rose from 22% to 31%; the boost shipped to every market.",
]
LONG_ANSWER = "\n\n".join(PARAGRAPHS)


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def words(text: str) -> str:
    """Text with quote marks and line breaks taken out, to compare what a reader sees."""
    text = re.sub(r"(?m)^> ?", "", text)
    return " ".join(text.split())


def posted_challenges(stage: Stage) -> int:
    with unit_of_work(stage.runtime.sessions) as session:
        query = select(func.count()).where(Challenge.message_ts.is_not(None))
        return int(session.scalar(query.select_from(Challenge)) or 0)


def block_texts(blocks: list[dict[str, Any]], kind: str = "section") -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("type") == kind and b.get("text")]


def start(stage: Stage) -> str:
    stage.run_job("post-prompt", NINE_NY)
    prompt = next(m for m in stage.slack.messages(CHANNEL) if "Practice prompt" in m["text"])
    thread = str(prompt["ts"])
    stage.set_time(NINE_NY + timedelta(minutes=30))
    stage.sender.post(ANA, CHANNEL, LONG_ANSWER, thread)
    for user in (BEN, CHI):
        stage.sender.post(user, CHANNEL, f"{user}: one market, a holdout, a bar.", thread)
    stage.slack.wait_for(lambda: count(stage, Answer) == 3)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    return thread


def test_long_answers_challenges_and_summaries_arrive_whole(enrolled: Stage) -> None:
    stage = enrolled
    thread = start(stage)
    reviewers = [(i, r) for i, r, a in assignment_table(stage) if a == ANA]
    assert len(reviewers) == 2

    # The DM shortens the answer at a word boundary, says so, and links to all of it.
    first_id, first = reviewers[0]
    dm = review_dm(stage, first)
    quoted = next(t for t in block_texts(dm["blocks"]) if f"<@{ANA}>'s answer" in t)
    assert quoted.endswith("...") and "read it all in the thread" in quoted
    assert words(quoted.split("\n", 1)[1])[:-3] in words(escaped(LONG_ANSWER))

    # The scoring modal quotes every line of every paragraph, and every anchor in full.
    modal = open_modal(stage, first, "review_score", dm, str(first_id))
    shown = "\n".join(block_texts(modal["blocks"]))
    assert words(escaped(LONG_ANSWER)) in words(shown)
    assert shown.count("\n>\n") >= 2  # the blank lines between paragraphs stay in the quote
    modal_json = json.dumps(modal)
    pack = stage.runtime.library.packs["pmm"]
    for criterion in (pack.criterion(c) for c in rubric_ids(stage)):  # the post's kind's
        assert criterion is not None
        for anchor in criterion.anchors.values():
            assert json.dumps(anchor)[1:-1] in modal_json, anchor
    stage.sender.submit_view(first, modal["id"], scores(stage, 3))

    # Two long challenges: each is posted whole in the thread, over several sections.
    said = {}
    for n, (assignment, reviewer) in enumerate(reviewers):
        text = f"Challenge {n} & <why>: " + f"how was holdout {n} drawn, and for how long? " * 70
        text = text[: text.rfind(" ", 0, 2990)]  # near the 3,000 a challenge may have
        said[reviewer] = text
        modal = open_modal(
            stage, reviewer, "review_challenge", review_dm(stage, reviewer), str(assignment)
        )
        stage.sender.submit_view(reviewer, modal["id"], {"challenge/text": text})
        posted = stage.slack.wait_for(
            lambda n=n: [
                m for m in stage.slack.thread(CHANNEL, thread) if f"Challenge {n}" in str(m)
            ]
        )
        sections = block_texts(posted[0]["blocks"])
        assert len(sections) >= 2
        assert words(escaped(text)) in words("\n".join(sections))

    # The thread post shows up a moment before the bot stores its ts; the summary only
    # quotes challenges whose post is stored.
    stage.slack.wait_for(lambda: posted_challenges(stage) == len(said))

    # The author's summary: one section per reviewer, each with all they wrote.
    stage.run_job("close-reviews", REVIEWS_CLOSE)
    summary = next(m for m in stage.slack.dms(ANA) if "Your reviews" in m["text"])
    texts = block_texts(summary["blocks"])
    for reviewer, text in said.items():
        mine = [t for t in texts if t.startswith(f"*From <@{reviewer}>*")]
        assert len(mine) == 1, reviewer
        start_at = texts.index(mine[0])
        own = mine[0]
        for more in texts[start_at + 1 :]:
            if more.startswith("*From "):
                break
            own += "\n" + more
        assert words(escaped(text)) in words(own)


def test_the_weekly_chart_has_alt_text(enrolled: Stage) -> None:
    stage = enrolled
    start(stage)
    assignment, reviewer, _ = assignment_table(stage)[0]
    modal = open_modal(stage, reviewer, "review_score", review_dm(stage, reviewer), str(assignment))
    stage.sender.submit_view(reviewer, modal["id"], scores(stage, 4))
    stage.run_job("close-reviews", REVIEWS_CLOSE)
    stage.run_job("post-leaderboard", NINE_NY + timedelta(days=7))
    chart = stage.slack.wait_for(lambda: stage.slack.files())[-1]
    assert chart.alt_txt and chart.alt_txt.startswith("Bar chart of points")
    assert "mean score per criterion" in chart.alt_txt
