"""The weekly leaderboard as Slack users see it: a week of activity, one post with its chart,
the ephemeral standings, `why`, `stats` and the App Home.

Prompts and answers go through the real app; reviews are written with the models (the reviews
feature writes the same rows: an assignment, its challenge, one vote per criterion).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from bot.jobs import run_job
from bot.models import Answer, LeaderboardPost, PromptPost
from bot.practice.schedule import local_instant
from bot.practice.scoring import DEFAULT_RULES, channel_mean, points
from bot.runtime import bootstrap
from bot.slack.render.chart import PNG_SIGNATURE
from tests import builders as b
from tests.e2e.conftest import CHANNEL, CREATOR, MEMBERS
from tests.e2e.test_reviews import (
    ANSWERS_CLOSE,
    REVIEWS_CLOSE,
    assignment_table,
    buttons,
    open_modal,
    review_dm,
    scores,
    start_day,
)

ANA, BEN, CHI, DEV = MEMBERS
NY = "America/New_York"
MONDAY = date(2026, 3, 2)
NEXT_MONDAY_NINE = local_instant(MONDAY + timedelta(days=7), time(9, 0), NY)  # 13:00 UTC (EDT)


def nine_ny(day: int) -> datetime:
    return local_instant(MONDAY + timedelta(days=day), time(9, 0), NY)


def answer_row(stage: Stage, user: str, day: int) -> Answer | None:
    with unit_of_work(stage.runtime.sessions) as session:
        found = session.scalar(
            select(Answer)
            .join(PromptPost, PromptPost.id == Answer.post_id)
            .where(Answer.user_id == user, PromptPost.local_date == MONDAY + timedelta(days=day))
        )
        session.expunge_all()
        return found


def a_week(stage: Stage) -> None:
    """Mon-Fri prompts. ANA answers every day; BEN Mon and Tue; DEV, then CHI, on Monday.

    Reviews: BEN scores ANA's Monday 4, ANA scores BEN's Monday 3, CHI and DEV score each
    other's Monday 2. The channel's mean: (11 + 2 x 3) / (4 + 2) = 2.83. ANA: Q = (4 + 5.67) / 3
    = 3.22, 5 answers x (1 + 6.44) + 1 review = 38.2; BEN: Q = 2.89, 2 x 6.78 + 1 = 14.6; CHI
    and DEV: Q = 2.56, 6.1 + 1 = 7.1 each (a tie on points, answers and quality that DEV wins
    by answering first).
    """
    stage.enrol(CHANNEL, inviter=MEMBERS[0])  # ANA is in New York
    answerers = {0: [DEV, CHI, BEN, ANA], 1: [BEN, ANA], 2: [ANA], 3: [ANA], 4: [ANA]}
    for day, users in answerers.items():
        stage.run_job("post-prompt", nine_ny(day))
        thread = str(stage.slack.messages(CHANNEL)[-1]["ts"])
        for i, user in enumerate(users):
            stage.set_time(nine_ny(day) + timedelta(minutes=10 * (i + 1)))
            stage.sender.post(user, CHANNEL, f"{user}'s answer for day {day}", thread_ts=thread)
            stage.slack.wait_for(lambda user=user, day=day: answer_row(stage, user, day))
    ids = {}
    for user in MEMBERS:
        found = answer_row(stage, user, 0)
        assert found is not None
        ids[user] = found.id
    with unit_of_work(stage.runtime.sessions) as session:

        def monday_answer(user: str) -> Answer:
            found = session.get(Answer, ids[user])
            assert found is not None
            return found

        b.review(session, monday_answer(ANA), BEN, 4)
        b.review(session, monday_answer(BEN), ANA, 3)
        b.review(session, monday_answer(CHI), DEV, 2)
        b.review(session, monday_answer(DEV), CHI, 2)
        session.commit()


def leaderboard_messages(stage: Stage) -> list[dict[str, Any]]:
    return [m for m in stage.slack.messages(CHANNEL) if "Leaderboard:" in str(m.get("text"))]


def text_of(blocks: list[dict[str, Any]] | None) -> str:
    return json.dumps(blocks or [], ensure_ascii=False)


def test_a_week_makes_one_post_with_the_right_ranking_and_its_chart(stage: Stage) -> None:
    a_week(stage)
    stage.run_job("post-leaderboard", NEXT_MONDAY_NINE - timedelta(minutes=1))
    assert leaderboard_messages(stage) == []

    # Two processes (two runtimes on the same database) and one more run, at the same time.
    second = bootstrap(stage.settings(), clock=stage.now)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(runtime: Any) -> None:
        try:
            barrier.wait()
            run_job(runtime, "post-leaderboard", NEXT_MONDAY_NINE)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in (stage.runtime, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    second.close()
    stage.run_job("post-leaderboard", NEXT_MONDAY_NINE + timedelta(hours=2))
    assert errors == []

    (post,) = leaderboard_messages(stage)
    body = text_of(post["blocks"])
    assert "2 Mar to 8 Mar 2026" in post["text"]
    order = [body.index(f"<@{u}>") for u in (ANA, BEN, DEV, CHI)]
    assert order == sorted(order), body
    assert f"*1.* <@{ANA}>: *38.2 pts* · 5 answers · 1 review" in body
    assert f"*3.* <@{DEV}>: *7.1 pts*" in body and f"*4.* <@{CHI}>: *7.1 pts*" in body
    assert "Streaks" not in body  # one practice week: a streak is news from two on
    # 4 scores per criterion: too few to call one the channel's strongest or weakest.
    assert "strongest" not in body and "weakest" not in body
    with unit_of_work(stage.runtime.sessions) as session:
        assert session.scalar(select(func.count()).select_from(LeaderboardPost)) == 1

    (chart,) = stage.slack.wait_for(lambda: stage.slack.files())
    assert chart.content.startswith(PNG_SIGNATURE)
    assert chart.channel_id == CHANNEL and chart.thread_ts == post["ts"]
    assert chart.filename == "leaderboard-2026-03-02.png"
    assert len(stage.slack.calls_to("files.getUploadURLExternal")) == 1


def test_a_quiet_week_gets_no_post(stage: Stage) -> None:
    stage.enrol(CHANNEL, inviter=MEMBERS[0])
    stage.run_job("post-prompt", nine_ny(0))
    result = stage.run_job("post-leaderboard", NEXT_MONDAY_NINE)
    assert result.done == 0 and leaderboard_messages(stage) == []
    assert stage.slack.files() == []


def reply_to(stage: Stage, user: str, text: str) -> str:
    before = len(stage.slack.ephemerals(user=user))
    stage.sender.send_command(user, CHANNEL, "/practice", text)
    notes = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=user)[before:])
    note = notes[-1]
    return note.text + text_of(note.blocks)


def test_standings_why_and_stats_are_ephemeral(stage: Stage) -> None:
    a_week(stage)
    stage.set_time(NEXT_MONDAY_NINE + timedelta(hours=1))

    now = reply_to(stage, CHI, "leaderboard")
    assert "This week so far" in now and "No answers or reviews yet" in now

    last = reply_to(stage, CHI, "leaderboard last")
    assert "Last week" in last
    order = [last.index(f"<@{u}>") for u in (ANA, BEN, DEV, CHI)]
    assert order == sorted(order)

    why = reply_to(stage, CHI, f"leaderboard why <@{ANA}|ana> last")
    assert f"<@{ANA}>: 38.2 points last week, rank 1 of 4" in why
    assert "Quality estimate Q = 3.22: the mean of 1 scored answer, 4.00" in why
    assert "mean score 4.00 from 1 reviewer → 1 + 2 x Q = +7.4" in why
    assert "not scored: counts at your estimate → 1 + 2 x Q = +7.4" in why
    assert "1 completed review x 1 = +1" in why

    tie = reply_to(stage, CHI, f"leaderboard why <@{CHI}> last")
    assert "rank 4 of 4" in tie
    assert "Tie-breaks: 1 answer, quality estimate 2.56, first answer Mon 14:20 UTC" in tie
    bad = reply_to(stage, CHI, "leaderboard why chi")
    assert "not a mention" in bad
    unknown = reply_to(stage, CHI, "leaderboard sideways")
    assert "I don't know `sideways`" in unknown

    stats = reply_to(stage, ANA, "stats")
    assert "Last week: rank 1" in stats
    assert "Streak: 1 practice week in a row; practise this week to add to it" in stats
    assert "Reviews done: 0 this week, 1 in the last 6 weeks" in stats
    assert "Hypothesis and the metric that pays: 4.0 (one week scored so far)" in stats
    assert "Your scoring against others', last 6 weeks" in stats
    assert "no answer scored by you and someone else yet" in stats

    assert all(e.user in (ANA, CHI) for e in stage.slack.ephemerals())
    assert not leaderboard_messages(stage)  # nothing was posted in the channel


def test_help_explains_the_scoring(stage: Stage) -> None:
    stage.enrol(CHANNEL, inviter=MEMBERS[0])
    text = reply_to(stage, BEN, "help")
    assert "*Scoring* (per week)" in text and "2 x your quality estimate" in text


def test_app_home_shows_progress_and_the_next_prompt(stage: Stage) -> None:
    a_week(stage)
    stage.set_time(datetime(2026, 3, 9, 12, 0, tzinfo=UTC))  # Monday 08:00 in New York
    stage.sender.open_home(ANA)
    home = stage.slack.wait_for(lambda: stage.slack.home(ANA))
    body = text_of(home["blocks"])
    assert home["type"] == "home"
    assert f"Your practice in <#{CHANNEL}>" in body and "Last week: rank 1" in body
    # A date Slack shows in the reader's time zone, not a countdown that goes stale.
    assert "Next prompt <!date^" in body and "|2026-03-09 13:00 UTC>" in body
    assert "Your scoring against others', last 6 weeks" in body  # reviewer agreement

    stage.sender.open_home(BEN)
    ben = stage.slack.wait_for(lambda: stage.slack.home(BEN))
    assert "Streak: 1 practice week in a row" in text_of(ben["blocks"])


def test_a_failed_post_is_retried_and_a_failed_chart_never_doubles_the_post(stage: Stage) -> None:
    a_week(stage)
    stage.slack.fail_next("chat.postMessage", error="fatal_error")
    first = stage.run_job("post-leaderboard", NEXT_MONDAY_NINE)
    assert first.done == 0 and "failed" in first.summary()
    assert leaderboard_messages(stage) == []

    stage.slack.fail_next("files.getUploadURLExternal", error="fatal_error")
    second = stage.run_job("post-leaderboard", NEXT_MONDAY_NINE + timedelta(minutes=1))
    assert second.done == 1
    third = stage.run_job("post-leaderboard", NEXT_MONDAY_NINE + timedelta(minutes=2))
    assert third.done == 0
    assert len(leaderboard_messages(stage)) == 1
    assert stage.slack.files() == []  # the chart is lost, logged, and the post is not repeated


def test_managers_change_scoring_and_the_board_follows(stage: Stage) -> None:
    a_week(stage)  # the channel's creator manages it; ANA only invited the bot
    stage.set_time(NEXT_MONDAY_NINE)
    refused = reply_to(stage, BEN, "scoring review_credit 5")
    assert "only this channel's creator and workspace admins" in refused
    changed = reply_to(stage, CREATOR, "scoring review_credit 5")
    assert "Changed `review_credit` to `5`" in changed and "(changed here)" in changed
    why = reply_to(stage, CHI, f"leaderboard why <@{ANA}> last")
    assert "42.2 points last week" in why and "1 completed review x 5 = +5" in why
    bad = reply_to(stage, CREATOR, "scoring review_credit lots")
    assert "needs a number" in bad
    reset = reply_to(stage, CREATOR, "scoring reset")
    assert "back to the defaults" in reset


def test_real_reviews_feed_the_leaderboard(stage: Stage) -> None:
    """The reviews feature's own flow (DM buttons, challenge and score modals, close) writes
    what the leaderboard counts: a review is credited only with a challenge and its scores."""
    stage.enrol(CHANNEL, inviter=MEMBERS[0])
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    table = assignment_table(stage)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    given: dict[str, list[int]] = {u: [] for u in MEMBERS}
    author_of = {str(i): a for i, _, a in table}

    dm = review_dm(stage, ANA)  # ANA challenges and scores both of hers: 2 reviews
    for value, score in zip(buttons(dm, "review_score"), (4, 3), strict=True):
        modal = open_modal(stage, ANA, "review_challenge", dm, value)
        stage.sender.submit_view(ANA, modal["id"], {"challenge/text": "Which metric decides?"})
        modal = open_modal(stage, ANA, "review_score", dm, value)
        stage.sender.submit_view(ANA, modal["id"], scores(stage, score))
        given[author_of[value]].append(score)
    ben_dm = review_dm(stage, BEN)  # BEN scores one without a challenge: no review credit
    value = buttons(ben_dm, "review_score")[0]
    modal = open_modal(stage, BEN, "review_score", ben_dm, value)
    stage.sender.submit_view(BEN, modal["id"], scores(stage, 5))
    given[author_of[value]].append(5)
    stage.run_job("close-reviews", REVIEWS_CLOSE)

    stage.run_job("post-leaderboard", NEXT_MONDAY_NINE)
    (post,) = leaderboard_messages(stage)
    body = text_of(post["blocks"])
    answer_means = [sum(g) / len(g) for g in given.values() if g]
    prior = channel_mean(DEFAULT_RULES, sum(answer_means), len(answer_means))
    for user in MEMBERS:
        mean = sum(given[user]) / len(given[user]) if given[user] else None
        reviewed = 2 if user == ANA else 0
        expected = points(DEFAULT_RULES, answer_means=[mean], reviews=reviewed, prior=prior)
        unit = "pt" if expected == 1 else "pts"
        reviews = "2 reviews" if user == ANA else "0 reviews"
        line = f"<@{user}>: *{expected:g} {unit}* · 1 answer · {reviews}"
        assert line in body, (line, body)
    why = reply_to(stage, BEN, f"leaderboard why <@{BEN}> last")
    assert "1 missed review: nothing taken off" in why


def test_the_weekly_post_shows_how_much_reviewers_agreed(stage: Stage) -> None:
    a_week(stage)
    # A second reviewer on each Monday answer: four answers scored twice, 1 point apart at most.
    second = {ANA: (CHI, 5), BEN: (DEV, 3), CHI: (ANA, 3), DEV: (BEN, 2)}
    ids = {}
    for author in second:
        found = answer_row(stage, author, 0)
        assert found is not None
        ids[author] = found.id
    with unit_of_work(stage.runtime.sessions) as session:
        for author, (reviewer, score) in second.items():
            answer = session.get(Answer, ids[author])
            assert answer is not None
            b.review(session, answer, reviewer, score)
        session.commit()
    stage.run_job("post-leaderboard", NEXT_MONDAY_NINE)
    (post,) = leaderboard_messages(stage)
    body = text_of(post["blocks"])
    assert "How much reviewers agreed* (Krippendorff's alpha: 1 full, 0 chance)" in body
    pack = stage.runtime.library.pack("pmm")
    assert pack is not None
    name = next(c.name for c in pack.rubric if c.id == "hypothesis")
    assert f"{name}: 0.78 (4 answers and samples)" in body
    stage.set_time(NEXT_MONDAY_NINE + timedelta(hours=1))
    stats = reply_to(stage, ANA, "stats")
    assert "With the other reviewers of the same answers: 0.5 points apart on average" in stats
    assert "100% within one point" in stats
