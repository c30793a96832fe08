"""The demo ends its week with the leaderboard, its `why`, and the chart saved to a file."""

from __future__ import annotations

from bot.slack.render.chart import PNG_SIGNATURE
from tests.conftest import DemoRun


def test_demo_prints_the_leaderboard_and_saves_the_chart(demo: DemoRun) -> None:
    transcript = demo.transcript
    assert "Leaderboard: 2 Mar to 8 Mar 2026" in transcript
    # Only jonas's weak answer was scored (1s and 2s); maya's and priya's strong answers
    # were not. Unscored answers count at the channel's mean, so the weak answer ranks last
    # even with jonas's mock round; maya's completed review and priya's interviewing count.
    # Maya's answer was scored by a stand-in (bot/demo/standins.py); Priya passed that review
    # on and the stand-in scored it, so it is not one of her missed ones.
    assert "*1.* @maya: *8.5 pts* · 1 answer · 1 review · 1 missed" in transcript
    assert "*2.* @priya: *7.8 pts* · 1 answer · 0 reviews · 1 mock round · 1 missed" in transcript
    assert "*3.* @jonas:" in transcript
    assert "@maya: 8.5 points last week, rank 1 of 4" in transcript
    assert "mean score 4.00 from 1 reviewer" in transcript
    assert "1 completed review x 1 = +1" in transcript
    assert "1 missed review: nothing taken off" in transcript
    chart = demo.out / "leaderboard-2026-03-02.png"
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
