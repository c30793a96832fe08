"""The daily post of every shipped prompt keeps its key back: no line of `covers`,
`strong_answers` or a sample answer appears in it, while the case, its data and the hint do.
(tests/e2e/test_answer_key.py checks the same through the real app, on one prompt.)"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.content import Library, Prompt
from bot.practice.posting import PromptToPost
from bot.slack.render.prompt import prompt_blocks


def _posted(prompt: Prompt) -> str:
    post = PromptToPost(
        post_id=1,
        local_date=date(2026, 3, 2),
        team_id="T1",
        channel_id="C1",
        prompt=prompt.snapshot(),
        choice_reason=None,
        answers_close_at=datetime(2026, 3, 2, 20, tzinfo=UTC),
        reviewers_per_answer=2,
    )
    text, blocks = prompt_blocks(post)
    return text + "\n" + json.dumps(blocks, ensure_ascii=False)


@pytest.mark.parametrize("pack_id", ["pmm", "product-sense"])
def test_no_shipped_prompt_posts_a_line_of_its_key(library: Library, pack_id: str) -> None:
    pack = library.packs[pack_id]
    for prompt in pack.prompts:
        posted = _posted(prompt)
        assert prompt.title in posted, prompt.id
        if prompt.hint:
            assert json.dumps(prompt.hint, ensure_ascii=False)[1:-1] in posted, prompt.id
        key = [*prompt.covers, *prompt.strong_answers, *(s.answer for s in prompt.calibration)]
        for line in key:
            assert json.dumps(line, ensure_ascii=False)[1:-1] not in posted, (prompt.id, line)
