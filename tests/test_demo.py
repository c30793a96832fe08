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
