"""The demo ends its week with the leaderboard, its `why`, and the chart saved to a file."""

from __future__ import annotations

import io
from pathlib import Path

from bot.demo import run_demo
from bot.practice.charts import PNG_SIGNATURE


def test_demo_prints_the_leaderboard_and_saves_the_chart(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_demo(tmp_path / "out", stream=out) == 0
    transcript = out.getvalue()
    assert "Leaderboard: 2 Mar to 8 Mar 2026" in transcript
    # Maya challenged and scored jonas's answer (one completed review) and missed her second;
    # jonas's scored answer and his scored mock round put him first.
    assert "*1.* @jonas:" in transcript
    assert "@maya: 2 points last week, rank 2 of 3" in transcript
    assert "1 completed review x 1 = +1" in transcript
    assert "1 missed review: nothing taken off" in transcript
    chart = tmp_path / "out" / "leaderboard-2026-03-02.png"
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
