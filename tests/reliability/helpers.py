"""Small helpers shared by the reliability tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from tests.e2e.conftest import CHANNEL

# 09:00 in New York on Monday 2 March 2026 (EST): the enrolled channel's first post time.
NINE_NY = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def scalar(stage: Stage, query: Any) -> Any:
    with unit_of_work(stage.runtime.sessions) as session:
        value = session.scalar(query)
        session.expunge_all()
        return value


def count(stage: Stage, model: Any) -> int:
    return int(scalar(stage, select(func.count()).select_from(model)))


def prompts(stage: Stage, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [
        m
        for m in stage.slack.messages(channel)
        if any(b.get("type") == "header" for b in m.get("blocks") or [])
    ]


def snapshot(stage: Stage) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to assert that bad input changed nothing."""
    from bot.models import Base

    with unit_of_work(stage.runtime.sessions) as session:
        return {
            table.name: sorted(
                (
                    tuple(json.dumps(v, default=str) for v in row)
                    for row in session.execute(select(table))
                ),
            )
            for table in Base.metadata.sorted_tables
            if table.name != "deliveries"
        }
