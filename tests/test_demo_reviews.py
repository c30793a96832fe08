"""The demo carries on into the skeptic reviews: DMs, a challenge, scores, summaries."""

from __future__ import annotations

import io
from pathlib import Path

from bot.demo import run_demo


def test_demo_shows_a_day_of_reviews(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_demo(tmp_path / "out", stream=out) == 0
    transcript = out.getvalue()
    assert "You are a skeptic reviewer today" in transcript
    assert "[Post a challenge] [Score]" in transcript
    assert "a skeptic's challenge from @jonas" in transcript
    assert "Saved your scores" in transcript
    assert "What strong answers did" in transcript
    assert "Mean score per criterion" in transcript
