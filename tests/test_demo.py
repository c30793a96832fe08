"""`practice-bot demo` tells a practice day through the real app and the emulator."""

from __future__ import annotations

import io
from pathlib import Path

from bot.demo import run_demo


def test_demo_tells_a_practice_day(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_demo(tmp_path / "out", stream=out) == 0
    transcript = out.getvalue()
    assert "Hi! I run interview practice here." in transcript
    assert "Practice prompt:" in transcript
    assert transcript.count("reacts :white_check_mark:") == 3
    assert "late answer" in transcript
    assert "<!date^" not in transcript  # Slack markup is turned into plain text
