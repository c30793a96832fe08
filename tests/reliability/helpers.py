"""Small helpers shared by the reliability tests (the stage reads are in tests/e2e/reads.py)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.db import unit_of_work
from bot.emulator.stage import Stage
from bot.models import Base


def snapshot(stage: Stage) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to assert that bad input changed nothing."""
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
