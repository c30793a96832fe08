"""The demo shows a reviewer calibrating on the prompt's sample answers when it has them."""

from __future__ import annotations

import io
from pathlib import Path

from bot.content import Library
from bot.demo import run_demo


def test_demo_calibrates_on_sample_answers_when_the_prompt_has_them(
    tmp_path: Path, library: Library
) -> None:
    out = io.StringIO()
    assert run_demo(tmp_path / "out", stream=out) == 0
    transcript = out.getvalue()
    offered = "[See sample answers]" in transcript
    pack = library.packs["pmm"]
    if all(getattr(p, "calibration", ()) for p in pack.prompts):
        assert offered  # every prompt ships samples: the reviewer's DM offers them
    assert ("your scores and the pack's" in transcript) == offered
    if offered:
        assert "Sample answers for" in transcript and "[Show the pack's scores]" in transcript
        assert "The pack's scores:" not in transcript.split("your scores and the pack's")[0]
