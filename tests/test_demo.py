"""`practice-bot demo` tells a practice day through the real app and the emulator."""

from __future__ import annotations

from tests.conftest import DemoRun


def test_demo_tells_a_practice_day(demo: DemoRun) -> None:
    transcript = demo.transcript
    assert "Hi! I run interview practice here." in transcript
    assert "Practice prompt:" in transcript
    assert transcript.count("reacts :white_check_mark:") == 3
    assert "late answer" in transcript
    assert "Mock interview: you're matched" in transcript
    assert "scored @jonas's round 1" in transcript and "Your mock scores" in transcript
    assert "<!date^" not in transcript  # Slack markup is turned into plain text


def test_demo_shows_a_members_settings_and_a_weekly_plan(demo: DemoRun) -> None:
    transcript = demo.transcript
    assert "/practice me quiet 22:00-07:00" in transcript
    assert "*Quiet hours*: 22:00-07:00 (America/New_York); DMs wait until they end" in transcript
    assert "The leaderboard counts you without your name" in transcript
    assert "Target interview set" in transcript and "24 days to your interview" in transcript
    assert "Your plan this week" in transcript and "Book a live mock" in transcript
    assert "Your settings" in transcript and "Target interview" in transcript  # App Home
