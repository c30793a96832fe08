"""The shortest plan that still fails: delta debugging over a failing plan's steps.

Like hypothesis's shrinker, it keeps any smaller input that still fails: it drops chunks of
steps (halves, then quarters, ...) and keeps a smaller plan whenever the run still breaks an
invariant, until no single chunk can go or the budget of runs is spent. Any subset of a plan is
a plan (`plan.py`), so every candidate runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def shrink(items: Sequence[T], fails: Callable[[list[T]], bool], budget: int = 60) -> list[T]:
    """A subset of `items` (in order) for which `fails` still holds; `fails(items)` must."""
    current = list(items)
    parts = 2
    while len(current) > 1 and budget > 0:
        size = math.ceil(len(current) / parts)
        chunks = [current[i : i + size] for i in range(0, len(current), size)]
        for index in range(len(chunks)):
            rest = [item for j, chunk in enumerate(chunks) if j != index for item in chunk]
            budget -= 1
            if fails(rest):
                current, parts = rest, max(parts - 1, 2)
                break
            if budget <= 0:
                return current
        else:
            if parts >= len(current):
                return current
            parts = min(len(current), parts * 2)
    return current
