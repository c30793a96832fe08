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


def test_demo_week_shows_a_stand_in_review_and_a_helpfulness_rating(demo: DemoRun) -> None:
    transcript = demo.transcript
    assert "/practice review on" in transcript
    assert "Would you stand in?" in transcript and "[Take this review]" in transcript
    assert "It is yours, thank you!" in transcript
    assert "a stand-in has offered to take it" in transcript
    assert "lena: (posts a challenge in the thread and scores the answer" in transcript
    assert "[Helpful] [Not really]" in transcript
    assert "Authors found 1 of your 1 rated reviews helpful" in transcript
    assert "*4.* @lena: *1 pt* · 0 answers · 1 review" in transcript  # it counts
