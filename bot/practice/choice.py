"""Placeholder prompt choice: replaced by the adaptive choice of the case library."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content import Pack, Prompt


@dataclass(frozen=True)
class Choice:
    prompt: Prompt
    trains: str | None
    reason: str


def choose_prompt(
    pack: Pack,
    used: Sequence[str],
    weak_scores: Mapping[str, float],
    *,
    recent_kinds: Sequence[str] = (),
) -> Choice:
    counts = Counter(used)
    fewest = min(counts.get(p.id, 0) for p in pack.prompts)
    eligible = sorted(
        (p for p in pack.prompts if counts.get(p.id, 0) == fewest), key=lambda p: p.id
    )
    prompt = eligible[0]
    return Choice(prompt=prompt, trains=prompt.tags[0] if prompt.tags else None, reason="")
