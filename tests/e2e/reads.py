"""What end-to-end and reliability tests read back from a stage (its database and its Slack),
and the day's prompt most of them start from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from tests.e2e.conftest import CHANNEL

# 09:00 in New York on Monday 2 March 2026 (EST): the enrolled channel's first post time.
NINE_NY = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def read(stage: Stage, query: Callable[[Session], Any]) -> Any:
    """`query` run on a session of the stage's database; loaded rows stay readable after."""
    with unit_of_work(stage.runtime.sessions) as session:
        value = query(session)
        session.expunge_all()
        return value


def scalar(stage: Stage, query: Any) -> Any:
    return read(stage, lambda session: session.scalar(query))


def scalars(stage: Stage, query: Any) -> list[Any]:
    """The query's first column, row by row."""
    return read(stage, lambda session: list(session.scalars(query)))


def rows(stage: Stage, query: Any) -> list[Any]:
    """The query's rows, as tuples."""
    return read(stage, lambda session: list(session.execute(query)))


def count(stage: Stage, model: Any) -> int:
    return int(scalar(stage, select(func.count()).select_from(model)))


def prompts(stage: Stage, channel: str = CHANNEL) -> list[dict[str, Any]]:
    """The channel's prompt posts (the bot's top-level messages with a header)."""
    return [
        m
        for m in stage.slack.messages(channel)
        if any(b.get("type") == "header" for b in m.get("blocks") or [])
    ]


def post_prompt(stage: Stage) -> str:
    """The day's prompt, posted at `NINE_NY` in the enrolled channel; its thread's ts."""
    stage.run_job("post-prompt", NINE_NY)
    (prompt,) = prompts(stage)
    return str(prompt["ts"])


def buttons(message: dict[str, Any], action_id: str) -> list[str]:
    """The values of the buttons `action_id` in a message's actions blocks."""
    return [
        e["value"]
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == action_id
    ]
