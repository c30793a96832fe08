"""The demo carries on into the skeptic reviews: DMs, a challenge, scores, summaries."""

from __future__ import annotations

from tests.conftest import DemoRun


def test_demo_shows_a_day_of_reviews(demo: DemoRun) -> None:
    transcript = demo.transcript
    assert "You are a skeptic reviewer today" in transcript
    assert "[Post a challenge] [Score]" in transcript
    assert "a skeptic's challenge from @jonas" in transcript
    assert "Saved your scores" in transcript
    assert "What strong answers did" in transcript
    assert "Mean score per criterion" in transcript
