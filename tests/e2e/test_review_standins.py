"""Reviews that get done (issue 23), as Slack users see them: stand-ins past half-time, give to
get, the author's prediction and their Helpful / Not really on each review."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from bot.models import Answer, Channel, ReviewAssignment, ReviewRating
from bot.practice.leaderboard.tally import tally_week
from bot.slack.render.review_feedback import (
    HELPFUL_ACTION,
    NOT_HELPFUL_ACTION,
    TAKE_ACTION,
)
from tests.e2e.conftest import ADMIN, CHANNEL, CREATOR, MEMBERS, Handled
from tests.e2e.reads import count, read, rows
from tests.e2e.test_home import open_home
from tests.e2e.test_reviews import (
    ANSWERS_CLOSE,
    MIDPOINT,
    REVIEWS_CLOSE,
    assignment_table,
    buttons,
    open_modal,
    review_dm,
    scores,
    start_day,
)
from tests.reliability.test_bad_input import post_button

ANA, BEN, CHI, DEV = MEMBERS
HALF_TIME = MIDPOINT  # the default stand-in time: half-way from answers closing to reviews


def command(stage: Stage, user: str, text: str) -> str:
    before = len(stage.slack.ephemerals(user=user))
    stage.sender.send_command(user, CHANNEL, "/practice", text)
    return str(stage.slack.wait_for(lambda: stage.slack.ephemerals(user=user)[before:])[0].text)


def score_all(stage: Stage, user: str, value: int, *, challenge: bool = False) -> None:
    """`user` scores (and, with `challenge`, challenges) every review in their DM."""
    dm = review_dm(stage, user)
    for assignment in buttons(dm, "review_score"):
        modal = open_modal(stage, user, "review_score", dm, assignment)
        stage.sender.submit_view(user, modal["id"], scores(stage, value))
        if challenge:
            modal = open_modal(stage, user, "review_challenge", dm, assignment)
            stage.sender.submit_view(user, modal["id"], {"challenge/text": "Which metric?"})
    stage.slack.wait_for(
        lambda: (
            read(
                stage,
                lambda s: s.scalar(
                    select(ReviewAssignment.id).where(
                        ReviewAssignment.reviewer_id == user, ReviewAssignment.scored_at.is_(None)
                    )
                ),
            )
            is None
        )
    )


def offers_to(stage: Stage, user: str) -> dict[str, dict[str, Any]]:
    """Stand-in offers in the user's DMs, by the assignment they offer."""
    return {value: m for m in stage.slack.dms(user) for value in buttons(m, TAKE_ACTION)}


def test_a_review_left_alone_past_half_time_goes_to_the_first_stand_in_once_and_counts(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    assert "volunteer" in command(stage, ADMIN, "review on").lower()
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    table = assignment_table(stage)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    score_all(stage, ANA, 4)  # ANA answered and did her own reviews: she may stand in

    stage.run_job("close-reviews", HALF_TIME - timedelta(minutes=1))
    handled(stage)
    assert offers_to(stage, ADMIN) == {} and offers_to(stage, ANA) == {}

    stage.run_job("close-reviews", HALF_TIME)
    stage.run_job("close-reviews", HALF_TIME + timedelta(minutes=5))  # nothing offered twice
    handled(stage)
    admin_offers, ana_offers = offers_to(stage, ADMIN), offers_to(stage, ANA)
    undone = {str(i) for i, r, _ in table if r != ANA}
    assert set(admin_offers) <= undone and set(ana_offers) <= undone
    authors = {str(i): a for i, _, a in table}
    assert all(authors[v] != ANA for v in ana_offers)  # never her own answer
    # Loads stay even: ADMIN (no reviews yet) is offered first; nobody gets more than three.
    assert len(admin_offers) == 3 and len(ana_offers) <= 3
    for user in (BEN, CHI, DEV):  # not done with their own reviews: reminded, never offered
        assert offers_to(stage, user) == {}
    assert "stand in" in json.dumps(next(iter(admin_offers.values()))["blocks"])

    # Both click "Take this review" on the same review at once: exactly one takes it.
    shared = sorted(set(admin_offers) & set(ana_offers)) or sorted(admin_offers)
    target = shared[0]
    clickers = [ADMIN, ANA] if target in ana_offers else [ADMIN]
    stage.set_time(HALF_TIME + timedelta(hours=1))
    threads = [
        threading.Thread(
            target=stage.sender.click,
            args=(user,),
            kwargs={"action_id": TAKE_ACTION, "message": offers_to(stage, user)[target]},
        )
        for user in clickers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handled(stage)
    standins = rows(
        stage,
        select(ReviewAssignment.reviewer_id, ReviewAssignment.source).where(
            ReviewAssignment.standin_for == int(target)
        ),
    )
    assert len(standins) == 1 and standins[0][1] == "standin"
    winner = standins[0][0]
    assert winner in clickers
    replies = [
        json.dumps(m)
        for user in clickers
        for m in stage.slack.dms(user)
        if "It is yours" in json.dumps(m) or "Someone else took" in json.dumps(m)
    ]
    assert sum("It is yours" in r for r in replies) == 1
    assert sum("Someone else took" in r for r in replies) == len(clickers) - 1
    # The original reviewer is told politely, once; they could still score until then.
    original = next(r for i, r, _ in table if str(i) == target)
    stage.run_job("close-reviews", HALF_TIME + timedelta(hours=2))
    handled(stage)
    told = [m for m in stage.slack.dms(original) if "a stand-in has offered" in m["text"]]
    assert len(told) == 1 and "No problem at all" in told[0]["text"]

    # The stand-in's brief has the buttons; their review counts like any review.
    brief = next(
        m
        for m in stage.slack.dms(winner)
        if target not in buttons(m, TAKE_ACTION)
        and buttons(m, "review_score")
        and authors[target] in json.dumps(m)
    )
    (standin_assignment,) = buttons(brief, "review_score")
    modal = open_modal(stage, winner, "review_score", brief, standin_assignment)
    stage.sender.submit_view(winner, modal["id"], scores(stage, 5))
    modal = open_modal(stage, winner, "review_challenge", brief, standin_assignment)
    stage.sender.submit_view(winner, modal["id"], {"challenge/text": "What would you cut?"})
    handled(stage)

    # Once the stand-in has scored, the original's Score button is politely refused.
    stage.sender.click(
        original,
        action_id="review_score",
        message=review_dm(stage, original),
        value=target,
    )
    stage.slack.wait_for(
        lambda: any("passed to a stand-in" in e.text for e in stage.slack.ephemerals(user=original))
    )

    stage.run_job("close-reviews", REVIEWS_CLOSE)
    handled(stage)
    summary = next(m for m in stage.slack.dms(authors[target]) if "Your reviews" in m["text"])
    assert f"<@{winner}>" in json.dumps(summary["blocks"])
    week = read(stage, lambda s: tally_week(s, s.scalars(select(Channel)).one(), date(2026, 3, 2)))
    row = week.row(winner)
    assert row is not None and row.reviews == 1  # the stand-in review, challenged and scored


def test_give_to_get_hides_the_scores_until_the_author_has_done_their_reviews(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    table = assignment_table(stage)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    assert "Give to get" in json.dumps(review_dm(stage, ANA)["blocks"])
    # ANA's reviewers score her answer; she has not done her own reviews.
    for reviewer in {r for _, r, a in table if a == ANA}:
        dm = review_dm(stage, reviewer)
        for i, r, a in table:
            if r == reviewer and a == ANA:
                modal = open_modal(stage, reviewer, "review_score", dm, str(i))
                stage.sender.submit_view(reviewer, modal["id"], scores(stage, 4))
    handled(stage)
    hidden = json.dumps(open_home(stage, ANA)["blocks"])
    assert "hidden until you finish your 2 reviews" in hidden and "4.0" not in hidden

    score_all(stage, ANA, 3)
    handled(stage)
    confirmations = [e.text for e in stage.slack.ephemerals(user=ANA)]
    assert any("your own answer's scores so far: *4.0*" in t for t in confirmations)
    shown = json.dumps(open_home(stage, ANA)["blocks"])
    assert "Scores so far: *4.0* / 5 from 2 reviewer(s)" in shown

    # A channel that turns give to get off shows authors their scores as they come in.
    assert "give_to_get" in command(stage, CREATOR, "scoring give_to_get off")
    open_to_all = json.dumps(open_home(stage, BEN)["blocks"])
    assert "Scores so far" in open_to_all or "No scores yet" in open_to_all
    assert "hidden until" not in open_to_all


def test_prediction_shows_beside_the_scores_and_helpfulness_is_recorded_once(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    table = assignment_table(stage)
    stage.set_time(ANSWERS_CLOSE + timedelta(minutes=30))

    # ANA predicts from her review DM, one click; a second click keeps the first.
    dm = review_dm(stage, ANA)
    mine = next(b for b in dm["blocks"] if b.get("block_id", "").startswith("predict_"))
    three = next(e for e in mine["elements"] if e["text"]["text"] == "3")
    stage.sender.click(ANA, action_id=three["action_id"], message=dm)
    stage.slack.wait_for(
        lambda: any("you predict 3" in e.text for e in stage.slack.ephemerals(user=ANA))
    )
    four = next(e for e in mine["elements"] if e["text"]["text"] == "4")
    stage.sender.click(ANA, action_id=four["action_id"], message=dm)
    stage.slack.wait_for(
        lambda: any("already predicted 3" in e.text for e in stage.slack.ephemerals(user=ANA))
    )

    for reviewer in {r for _, r, a in table if a == ANA}:
        score_all(stage, reviewer, 4, challenge=True)
    stage.run_job("close-reviews", REVIEWS_CLOSE)
    handled(stage)
    summary = next(m for m in stage.slack.dms(ANA) if "Your reviews" in m["text"])
    text = json.dumps(summary["blocks"])
    assert "You predicted *3*; your reviewers gave *4.0* on average" in text

    # Helpful on one review: recorded, an optional word asked for; then it stays as it was.
    rated = buttons(summary, HELPFUL_ACTION)[0]
    reviewer = next(r for i, r, _ in table if str(i) == rated)
    stage.sender.click(ANA, action_id=HELPFUL_ACTION, message=summary, value=rated)
    word = stage.slack.wait_for(
        lambda: next(
            (
                v
                for v in stage.slack.open_views(ANA)
                if v.get("callback_id") == "review_rating_word"
            ),
            None,
        )
    )
    stage.sender.submit_view(ANA, word["id"], {"word/text": "The metric question helped"})
    handled(stage)
    for action in (HELPFUL_ACTION, NOT_HELPFUL_ACTION):
        stage.sender.click(ANA, action_id=action, message=summary, value=rated)
    stage.slack.wait_for(
        lambda: sum("already rated" in e.text for e in stage.slack.ephemerals(user=ANA)) == 2
    )
    # Only the author rates: the reviewer clicking the same button changes nothing.
    stage.sender.click(reviewer, action_id=HELPFUL_ACTION, message=summary, value=rated)
    handled(stage)
    assert count(stage, ReviewRating) == 1
    assert rows(stage, select(ReviewRating.helpful, ReviewRating.word)) == [
        (True, "The metric question helped")
    ]
    stats = command(stage, reviewer, "stats")
    assert "Authors found 1 of your 1 rated reviews helpful" in stats
    assert "The metric question helped" in stats
    ana_stats = command(stage, ANA, "stats")
    assert "Reviewers minus your prediction, by week: Mar 02: +1.0" in ana_stats
    # Ratings never change points: the week's tally is the same without them.
    with_ratings = read(stage, lambda s: _points(s))
    with unit_of_work(stage.runtime.sessions) as session:
        session.execute(delete(ReviewRating))
        session.commit()
    assert read(stage, lambda s: _points(s)) == with_ratings


def _points(session: Any) -> dict[str, float]:
    channel = session.scalars(select(Channel)).one()
    return {r.user_id: r.points for r in tally_week(session, channel, date(2026, 3, 2)).rows}


def test_a_prediction_from_the_app_home_and_bad_buttons_change_nothing(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(minutes=30))

    home = open_home(stage, BEN)
    (predict,) = [b for b in home["blocks"] if b.get("block_id", "").startswith("predict_")]
    four = next(e for e in predict["elements"] if e["text"]["text"] == "4")
    stage.sender.click(BEN, action_id=four["action_id"], view_id=home["id"])
    stage.slack.wait_for(lambda: "You predicted 4." in json.dumps(stage.slack.home(BEN)))
    assert "predict_" not in json.dumps(stage.slack.home(BEN))  # one prediction, then gone

    # Forged or stale values: refused privately, nothing stored.
    dm = review_dm(stage, ANA)
    own = next(b for b in dm["blocks"] if b.get("block_id", "").startswith("predict_"))
    action, value = own["elements"][0]["action_id"], own["elements"][0]["value"]
    ben_answer = predict["elements"][0]["value"].split(":")[0]
    for bad in ("abc", value.split(":")[0] + ":9", f"{ben_answer}:3"):
        stage.sender.click(ANA, action_id=action, message=dm, value=bad)
    stage.sender.click(
        ANA, action_id=TAKE_ACTION, message=post_button(stage, ANA, TAKE_ACTION, "DROP")
    )
    forged = post_button(stage, ANA, HELPFUL_ACTION, "424242")
    stage.sender.click(ANA, action_id=HELPFUL_ACTION, message=forged)
    handled(stage)
    texts = [e.text for e in stage.slack.ephemerals(user=ANA)]
    assert sum("no longer works" in t for t in texts) == 2
    assert any("Predictions go from 1 to 5" in t for t in texts)
    assert any("Only the answer's author" in t for t in texts)
    assert any("no longer exists" in t for t in texts)
    assert count(stage, ReviewRating) == 0
    assert rows(stage, select(Answer.user_id).where(Answer.predicted_score.is_not(None))) == [
        (BEN,)
    ]
