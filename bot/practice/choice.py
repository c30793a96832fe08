"""Which prompt a channel gets next: a pure, deterministic function of its history.

Rules, in order:
1. Cycles: a prompt is never repeated until every prompt of the pack has been posted; then a
   new cycle starts and only the prompts posted the fewest times are eligible.
2. Kind rotation: the kind of the most recent post is avoided whenever an eligible prompt of
   another kind exists.
3. With scores: favour prompts tagged with the channel's lowest-scored criterion (then the
   next lowest, and so on). Without scores: cycle difficulty 1, 2, 3.
4. Ties: the kind seen least recently, then the prompt id, so the same inputs always give the
   same prompt (several processes must agree on it).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content import Pack, Prompt

# Kinds further back than this no longer count as "recent" when breaking ties.
RECENT_WINDOW = 5


@dataclass(frozen=True)
class Choice:
    prompt: Prompt
    trains: str | None  # criterion id the choice targets, None when chosen for variety
    reason: str  # one line shown in the prompt message


def choose_prompt(
    pack: Pack,
    used: Sequence[str],
    weak_scores: Mapping[str, float],
    *,
    recent_kinds: Sequence[str] = (),
) -> Choice:
    """Pick the next prompt of `pack` for a channel.

    `used`: prompt ids already posted in the channel, oldest first (ids of other packs or of
    removed prompts are ignored). `weak_scores`: criterion id -> the channel's mean score (1-5)
    over recent weeks; empty when nothing has been scored yet. `recent_kinds`: kinds of the last
    few posts, newest last; when empty they are derived from `used`.
    """
    if not pack.prompts:
        raise ValueError(f"pack '{pack.id}' has no prompts")
    by_id = {p.id: p for p in pack.prompts}
    cycle = _this_cycle(pack, used)
    kinds = list(recent_kinds) or [by_id[pid].kind for pid in used if pid in by_id]
    kinds = kinds[-RECENT_WINDOW:]
    eligible = cycle
    if kinds:
        # Rotation: skip yesterday's kind unless nothing else is left in this cycle.
        eligible = [p for p in cycle if p.kind != kinds[-1]] or cycle
    scored = _usable_scores(pack, weak_scores)
    trained = _train_weakest(pack, scored, cycle, eligible, kinds)
    if trained is not None:
        return trained
    # No scores yet (or none that this pack's eligible prompts exercise): vary the practice.
    last_difficulty = next((by_id[pid].difficulty for pid in reversed(used) if pid in by_id), 0)
    return _vary(eligible, kinds, last_difficulty % 3 + 1, scored=bool(scored))


def _this_cycle(pack: Pack, used: Sequence[str]) -> list[Prompt]:
    """The prompts posted the fewest times: the ones left in the current cycle."""
    ids = {p.id for p in pack.prompts}
    counts = Counter(pid for pid in used if pid in ids)
    fewest = min(counts.get(p.id, 0) for p in pack.prompts)
    return [p for p in pack.prompts if counts.get(p.id, 0) == fewest]


def _staleness(prompt: Prompt, kinds: Sequence[str]) -> int:
    """0 for a kind never seen recently, higher for a kind seen more recently."""
    for age, kind in enumerate(reversed(kinds)):
        if kind == prompt.kind:
            return RECENT_WINDOW - age
    return 0


def _usable_scores(pack: Pack, weak_scores: Mapping[str, float]) -> list[tuple[float, str]]:
    """(score, criterion id) of the pack's live criteria, lowest first."""
    rubric_ids = [c.id for c in pack.all_criteria() if not c.retired]
    return sorted(
        # NaN or infinite means "no usable score"; such criteria are left out.
        (
            (score, cid)
            for cid, score in weak_scores.items()
            if cid in rubric_ids and math.isfinite(score)
        ),
        key=lambda item: (item[0], item[1]),
    )


def _train_weakest(
    pack: Pack,
    scored: Sequence[tuple[float, str]],
    cycle: Sequence[Prompt],
    eligible: Sequence[Prompt],
    kinds: Sequence[str],
) -> Choice | None:
    """A prompt that trains the lowest-scored criterion an eligible prompt is tagged with."""
    for rank, (score, cid) in enumerate(scored):
        candidates = [p for p in eligible if cid in p.tags]
        if not candidates:
            continue
        prompt = min(candidates, key=lambda p: (_staleness(p, kinds), p.id))
        criterion = pack.criterion(cid)
        name = (criterion.name if criterion else cid).lower()
        if rank == 0:
            why = f"the channel's lowest-scored criterion lately ({score:.1f}/5)"
        else:
            why = _why_not_the_lowest(score, scored[0][1], cycle)
        return Choice(prompt=prompt, trains=cid, reason=f"today trains: {name} — {why}")
    return None


def _why_not_the_lowest(score: float, lowest: str, cycle: Sequence[Prompt]) -> str:
    blocked = any(lowest in p.tags for p in cycle)
    gap = (
        f"'{lowest}' prompts left this cycle share the last post's kind"
        if blocked
        else f"no prompt left this cycle trains '{lowest}'"
    )
    return f"one of the channel's weaker criteria lately ({score:.1f}/5); {gap}"


def _vary(eligible: Sequence[Prompt], kinds: Sequence[str], target: int, *, scored: bool) -> Choice:
    """Rotate kinds and difficulty: the eligible prompt nearest `target` along 1, 2, 3."""

    def distance(prompt: Prompt) -> int:
        """How far the prompt's difficulty is from the target along the 1, 2, 3 cycle."""
        return (prompt.difficulty - target) % 3

    prompt = min(eligible, key=lambda p: (distance(p), _staleness(p, kinds), p.id))
    why = "no scores yet" if not scored else "no prompt left this cycle trains a scored criterion"
    reason = (
        f"today: a {prompt.kind} prompt at difficulty {prompt.difficulty}/3 — "
        f"rotating kinds and difficulty ({why})"
    )
    return Choice(prompt=prompt, trains=None, reason=reason)
