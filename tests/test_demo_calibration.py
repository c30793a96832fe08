"""The demo shows a reviewer calibrating on the prompt's sample answers when it has them."""

from __future__ import annotations

from bot.content import Library
from tests.conftest import DemoRun


def test_demo_calibrates_on_sample_answers_when_the_prompt_has_them(
    demo: DemoRun, library: Library
) -> None:
    transcript = demo.transcript
    offered = "[See sample answers]" in transcript
    pack = library.packs["pmm"]
    if all(getattr(p, "calibration", ()) for p in pack.prompts):
        assert offered  # every prompt ships samples: the reviewer's DM offers them
    assert ("your scores and the pack's" in transcript) == offered
    if offered:
        assert "Sample answers for" in transcript and "[Show the pack's scores]" in transcript
        assert "The pack's scores:" not in transcript.split("your scores and the pack's")[0]
