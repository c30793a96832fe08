"""The order a run sends its direct messages in.

Slack takes about one message a second in any one conversation, and a member's DMs are one
conversation. A run that sends someone three stand-in offers back to back waits a second (or a
refusal and a Retry-After) for each, and the whole run waits with it: in the busy-morning
benchmark those waits were most of the jobs' lag. Sending every member's first message, then
every member's second, puts the whole round between two messages to the same person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")


def one_each_in_turn(items: Iterable[T], recipient: Callable[[T], Hashable]) -> list[T]:
    """`items` reordered: each recipient's first, then each one's second, and so on. Every
    round takes the recipients in the same order (that of their first item), so two items to
    one recipient are next to each other only when nobody else is left; one recipient's items
    keep their order."""
    seen: Counter[Hashable] = Counter()
    first: dict[Hashable, int] = {}
    ranked = []
    for item in items:
        key = recipient(item)
        first.setdefault(key, len(first))
        ranked.append((seen[key], first[key], item))
        seen[key] += 1
    return [item for _round, _who, item in sorted(ranked, key=lambda r: r[:2])]
