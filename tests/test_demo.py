"""`practice-bot demo` tells a practice day through the real app and the emulator."""

from __future__ import annotations

import io
from pathlib import Path

from tests.conftest import DemoRun


def test_demo_tells_a_practice_day(demo: DemoRun) -> None:
    transcript = demo.transcript
    assert "Hi! I run interview practice here." in transcript
    assert "Practice prompt:" in transcript
    assert transcript.count("reacts :white_check_mark:") == 3
    assert "late answer" in transcript
    assert "Mock interview: you're matched" in transcript
    assert "Find a mock partner" in transcript and "Europe/Berlin" in transcript  # the form
    assert "When:" in transcript and "mock-interview.ics" in transcript  # the slot, the invite
    assert "In 15 minutes: your mock" in transcript and "Did your mock" in transcript
    assert "Feedback for round 1, both ways" in transcript and "scored @jonas" in transcript
    assert "Your mock scores" in transcript
    assert "<!date^" not in transcript  # Slack markup is turned into plain text


def test_demo_shows_a_members_settings_and_a_weekly_plan(demo: DemoRun) -> None:
    transcript = demo.transcript
    assert "/practice me quiet 22:00-07:00" in transcript
    assert "*Quiet hours*: 22:00-07:00 (America/New_York); DMs wait until they end" in transcript
    assert "The leaderboard counts you without your name" in transcript
    assert "Target interview set" in transcript and "24 days to your interview" in transcript
    assert "Your plan this week" in transcript and "Book a live mock" in transcript
    assert "Your settings" in transcript and "Target interview" in transcript  # App Home


def test_demo_page_shows_the_mock_availability_form(tmp_path: Path) -> None:
    from bot.demo import run_demo

    page = tmp_path / "demo.html"
    assert run_demo(tmp_path / "out", stream=io.StringIO(), html=page) == 0
    html = page.read_text(encoding="utf-8")
    assert "Find a mock partner" in html and "Tuesday 3 March" in html and "18-21" in html
