"""A member's own settings as Slack shows them (issue 25): away, quiet hours, reminders,
being listed; every DM passes the member's settings first."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.emulator.stage import Stage
from bot.models import Answer, ReviewAssignment
from tests.e2e.conftest import CHANNEL, MEMBERS, Handled
from tests.e2e.reads import NINE_NY, count, post_prompt, prompts, rows

ANA, BEN, CHI, DEV = MEMBERS  # New York, Berlin, Tokyo, UTC
ANSWERS_CLOSE = NINE_NY + timedelta(hours=6)  # Mon 20:00 UTC
MIDPOINT = NINE_NY + timedelta(hours=15)  # Tue 05:00 UTC: the reviewers' reminders
REVIEWS_CLOSE = NINE_NY + timedelta(hours=24)  # Tue 14:00 UTC


def practice(stage: Stage, user: str, text: str) -> str:
    """`/practice TEXT` by `user`; the ephemeral answer's text (and its blocks' text)."""
    before = len(stage.slack.ephemerals(user=user))
    stage.sender.send_command(user, CHANNEL, "/practice", text)
    notes = stage.slack.wait_for(
        lambda: (found := stage.slack.ephemerals(user=user)) and len(found) > before and found
    )
    return str(notes[-1].text) + json.dumps(notes[-1].blocks or [])


def answer_all(stage: Stage) -> str:
    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    for user in MEMBERS:
        stage.sender.post(user, CHANNEL, f"{user}: launch in one market with a holdout.", thread)
    stage.slack.wait_for(lambda: count(stage, Answer) == len(MEMBERS))
    return thread


def reviewers(stage: Stage) -> set[str]:
    return {r for (r,) in rows(stage, select(ReviewAssignment.reviewer_id))}


def texts(stage: Stage, user: str) -> list[str]:
    return [json.dumps(m) for m in stage.slack.dms(user)]


def test_an_away_member_gets_no_review_no_reminder_no_dm_and_no_mock(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    stage.set_time(NINE_NY - timedelta(hours=1))
    reply = practice(stage, DEV, "me away 2026-03-06")
    assert "You are away until 2026-03-06" in reply and "*Away* until 2026-03-06" in reply
    answer_all(stage)  # DEV answers anyway: practising while away is theirs to do

    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    assigned = reviewers(stage)
    assert assigned and DEV not in assigned  # no review for the away member
    for user in (ANA, BEN, CHI):
        assert any("review_score" in t for t in texts(stage, user))
    stage.run_job("close-reviews", MIDPOINT)  # reminders
    stage.run_job("close-reviews", REVIEWS_CLOSE)  # summaries
    handled(stage)
    assert stage.slack.dms(DEV) == []  # no brief, no reminder, not even the summary

    stage.sender.send_command(DEV, CHANNEL, "/mock", "evenings")
    refusal = stage.slack.wait_for(
        lambda: next((e for e in stage.slack.ephemerals(user=DEV) if "is paused" in e.text), None)
    )
    assert "You are away until 2026-03-06, so `/mock` is paused" in refusal.text

    # Back early: reviews come again from the next day.
    reply = practice(stage, DEV, "me away off")
    assert "Welcome back" in reply and "*Away*: no." in reply


def test_a_dm_due_in_quiet_hours_arrives_when_they_end_before_the_window_closes(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    stage.set_time(NINE_NY - timedelta(hours=1))
    # CHI is in Tokyo: 22:00-07:00 there is 13:00-22:00 UTC.
    assert "Quiet hours set (Asia/Tokyo)" in practice(stage, CHI, "me quiet 22:00-07:00")
    answer_all(stage)

    stage.run_job("assign-reviewers", ANSWERS_CLOSE)  # 05:00 in Tokyo
    assert CHI in reviewers(stage)
    assert any("review_score" in t for t in texts(stage, ANA))
    stage.run_job("assign-reviewers", ANSWERS_CLOSE + timedelta(hours=1, minutes=59))
    handled(stage)
    assert stage.slack.dms(CHI) == []  # held

    ends = ANSWERS_CLOSE + timedelta(hours=2)  # 07:00 in Tokyo, long before the close
    stage.run_job("assign-reviewers", ends)
    (brief,) = stage.slack.wait_for(lambda: stage.slack.dms(CHI))
    assert "review_score" in json.dumps(brief)
    stage.run_job("assign-reviewers", ends + timedelta(minutes=5))
    assert len(stage.slack.dms(CHI)) == 1  # sent once


def test_a_dm_whose_quiet_hours_outlast_the_review_window_is_dropped_with_a_note(
    enrolled: Stage, handled: Handled, caplog: pytest.LogCaptureFixture
) -> None:
    stage = enrolled
    stage.set_time(NINE_NY - timedelta(hours=1))
    # BEN is in Berlin: 05:00-16:00 there covers the reminder (06:00) and the close (15:00).
    practice(stage, BEN, "me quiet 05:00-16:00")
    answer_all(stage)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)  # 21:00 in Berlin: the brief goes
    (brief,) = stage.slack.wait_for(lambda: stage.slack.dms(BEN))
    assert "review_score" in json.dumps(brief)

    with caplog.at_level(logging.INFO, logger="bot.slack.dm"):
        stage.run_job("close-reviews", MIDPOINT)
    handled(stage)
    assert all(len(stage.slack.dms(u)) == 2 for u in (ANA, CHI, DEV))  # brief + reminder
    assert len(stage.slack.dms(BEN)) == 1  # no reminder for BEN...
    assert any(
        BEN in r.getMessage() and "quiet hours last past its deadline" in r.getMessage()
        for r in caplog.records
    )  # ...and the operator's note says why
    stage.run_job("close-reviews", MIDPOINT + timedelta(hours=8))  # 14:00 Berlin, still quiet
    handled(stage)
    assert len(stage.slack.dms(BEN)) == 1  # dropped, not retried


def test_reminders_brief_only_keeps_the_brief_and_drops_the_reminder(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    assert "Reminders: brief" in practice(stage, ANA, "me reminders brief")
    answer_all(stage)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.slack.wait_for(lambda: stage.slack.dms(ANA))
    stage.run_job("close-reviews", MIDPOINT)
    handled(stage)
    assert len(stage.slack.dms(BEN)) == 2  # brief + reminder
    assert len(stage.slack.dms(ANA)) == 1  # the brief only


def test_an_unlisted_member_is_counted_but_not_named(enrolled: Stage, handled: Handled) -> None:
    stage = enrolled
    reply = practice(stage, ANA, "me listed no")
    assert "counts you without your name" in reply
    answer_all(stage)
    stage.set_time(NINE_NY + timedelta(hours=7))

    others = practice(stage, BEN, "leaderboard")
    assert f"<@{ANA}>" not in others and f"<@{BEN}>" in others
    assert "1 member in the top 10 chose not to be listed" in others
    assert "chose not to be listed" in practice(stage, BEN, f"leaderboard why <@{ANA}>")
    own = practice(stage, ANA, "leaderboard")
    assert f"<@{ANA}>" in own and "chose not to be listed" not in own  # her rank, to her

    stage.run_job("post-leaderboard", NINE_NY + timedelta(days=7))
    (post,) = [m for m in stage.slack.messages(CHANNEL) if "Leaderboard" in m.get("text", "")]
    shown = json.dumps(post["blocks"])
    assert f"<@{ANA}>" not in shown and f"<@{BEN}>" in shown
    assert "1 member in the top 10 chose not to be listed" in shown
    assert "4 people ranked" in shown  # counted


def test_app_home_shows_the_settings(enrolled: Stage, handled: Handled) -> None:
    stage = enrolled
    practice(stage, BEN, "me quiet 22:00-07:00")
    stage.sender.open_home(BEN)
    view = stage.slack.wait_for(lambda: stage.slack.home(BEN))
    text = json.dumps(view)
    assert "Your settings" in text and "22:00-07:00 (Europe/Berlin)" in text
    assert "/practice me away YYYY-MM-DD" in text


def test_bad_settings_are_refused_plainly(enrolled: Stage) -> None:
    stage = enrolled
    assert "not a date" in practice(stage, ANA, "me away tomorrow")
    assert "range like 22:00-08:00" in practice(stage, ANA, "me quiet 22")
    assert "`all`, `brief`" in practice(stage, ANA, "me reminders sometimes")
    assert "/practice me away YYYY-MM-DD" in practice(stage, ANA, "me sideways")


def home_text(stage: Stage, user: str) -> str:
    before = stage.slack.home(user)
    stage.sender.open_home(user)
    return json.dumps(stage.slack.wait_for(lambda: (h := stage.slack.home(user)) != before and h))


def test_a_missed_week_uses_a_freeze_once_and_an_away_week_keeps_the_streak(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    for week in range(4):  # four practice weeks: a freeze earned
        monday = NINE_NY + timedelta(weeks=week)
        stage.run_job("post-prompt", monday)
        thread = str(prompts(stage)[-1]["ts"])
        stage.set_time(monday + timedelta(minutes=30))
        for user in (ANA, DEV):
            stage.sender.post(user, CHANNEL, f"{user}: week {week} answer.", thread)
        stage.slack.wait_for(lambda w=week: count(stage, Answer) == 2 * (w + 1))
    fifth = NINE_NY + timedelta(weeks=4)  # Monday 30 March: nobody practises this week
    stage.set_time(fifth)
    practice(stage, DEV, "me away 2026-04-03")  # DEV is away that week; ANA just misses it

    stage.set_time(fifth + timedelta(weeks=1) - timedelta(hours=2))  # Mon 6 April, 08:00 NY
    ana = home_text(stage, ANA)
    assert "Streak: 4 practice weeks in a row; practise this week to add to it" in ana
    assert "freeze" not in ana  # hers went on the missed week
    dev = home_text(stage, DEV)
    assert "Streak: 4 practice weeks in a row (1 freeze in hand" in dev  # away kept it

    stage.set_time(fifth + timedelta(weeks=2) - timedelta(hours=2))  # both miss the sixth
    assert "Streak: 0 practice weeks" in home_text(stage, ANA)  # a freeze is used once
    dev = home_text(stage, DEV)
    assert "Streak: 4 practice weeks in a row;" in dev and "freeze" not in dev


def test_settings_change_from_the_app_home_form(enrolled: Stage, handled: Handled) -> None:
    stage = enrolled
    stage.set_time(NINE_NY)
    stage.sender.open_home(BEN)
    home = stage.slack.wait_for(lambda: stage.slack.home(BEN))
    before = {v["id"] for v in stage.slack.open_views(BEN)}
    stage.sender.click(BEN, action_id="member_settings_open", view_id=home["id"])
    form = stage.slack.wait_for(
        lambda: next((v for v in stage.slack.open_views(BEN) if v["id"] not in before), None)
    )
    assert form["private_metadata"] == "Europe/Berlin"  # their Slack time zone

    half = stage.sender.submit_view(BEN, form["id"], {"quiet_start/time": "22:00"})
    assert half.json["response_action"] == "errors"
    assert "Give both ends" in half.json["errors"]["quiet_end"]
    stage.sender.submit_view(
        BEN,
        form["id"],
        {
            "away/date": "2026-03-04",
            "quiet_start/time": "22:00",
            "quiet_end/time": "07:00",
            "reminders/choice": "brief",
            "listed/choice": "no",
        },
    )
    text = stage.slack.wait_for(
        lambda: "22:00-07:00" in (t := json.dumps(stage.slack.home(BEN))) and t
    )
    assert "*Away* until 2026-03-04" in text and "the brief only" in text
    assert "Named on the leaderboard*: no" in text
