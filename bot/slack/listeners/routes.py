"""What the listener modules register on: Bolt's `App`, or the `AsyncApp` bridge
(`bot/slack/async_app.py`), which takes the same sync listeners."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from re import Pattern
from typing import Any, Protocol

Matcher = str | Pattern[str] | dict[str, Any]
Register = Callable[[Callable[..., Any]], Any]


class Routes(Protocol):
    def command(self, command: str | Pattern[str]) -> Register: ...

    def action(self, constraints: Matcher) -> Register: ...

    def view(self, constraints: Matcher) -> Register: ...

    def event(
        self, event: Matcher, matchers: Sequence[Callable[..., bool]] | None = None
    ) -> Register: ...
