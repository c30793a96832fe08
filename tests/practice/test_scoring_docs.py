"""The scoring rules written for users match the code: docs/scoring.md's example table is
recomputed, and its settings table matches the defaults."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

from bot.practice.scoring import (
    DEFAULT_RULES,
    points,
    quality_estimate,
    tie_break_key,
)
from bot.slack.render.scoring import describe_rules

ROOT = Path(__file__).resolve().parents[2]
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def table(markdown: str, heading: str) -> list[dict[str, str]]:
    section = markdown.split(heading, 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    return [
        dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        for line in lines[2:]
    ]


def means(cell: str) -> list[float | None]:
    parts = [part.strip() for part in cell.split(",") if part.strip()]
    return [None if part == "not scored" else float(part) for part in parts]


def first_answer(cell: str) -> datetime | None:
    if not cell:
        return None
    day, hhmm = cell.split()
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 3, 2 + DAYS.index(day), hours, minutes, tzinfo=UTC)


def test_example_week_is_what_the_code_computes() -> None:
    page = (ROOT / "docs" / "scoring.md").read_text()
    found = re.search(r"The channel's mean is \*\*([0-9.]+)\*\*", page)
    assert found is not None
    prior = float(found.group(1))
    rows = table(page, "## Points, in words")
    assert len(rows) >= 8
    keys = {}
    for row in rows:
        answers = means(row["answers: mean score each"])
        mocks = [float(m) for m in row["mock rounds as candidate: mean each"].split(",") if m]
        scored = [q for q in answers if q is not None]
        quality = quality_estimate(DEFAULT_RULES, scored, mocks, prior)
        assert abs(quality - float(row["Q"])) < 0.005, row["person"]
        total = points(
            DEFAULT_RULES,
            answer_means=answers,
            reviews=int(row["completed reviews"]),
            missed=int(row["missed reviews"]),
            mock_means=mocks,
            interviews=int(row["mock rounds as interviewer"]),
            prior=prior,
        )
        assert total == float(row["points"]), row["person"]
        keys[row["person"]] = tie_break_key(
            total, len(answers), quality, first_answer(row["first answer"])
        )
    ranked = sorted(keys, key=lambda person: keys[person])
    assert [int(r["rank"]) for r in rows] == [ranked.index(r["person"]) + 1 for r in rows]


def test_settings_table_matches_the_defaults() -> None:
    rows = table((ROOT / "docs" / "scoring.md").read_text(), "## Settings")
    documented = {r["setting"].strip("`"): r["default"] for r in rows}
    assert set(documented) == {f.name for f in fields(DEFAULT_RULES)}
    for name, text in documented.items():
        value = getattr(DEFAULT_RULES, name)
        if isinstance(value, bool):
            assert text == str(value).lower(), name
        else:
            assert float(text) == float(value), name


def test_help_summary_states_the_defaults() -> None:
    text = describe_rules(DEFAULT_RULES)
    assert "1 pt + 2 x your quality estimate" in text
    assert "completed review" in text and "nothing taken off" in text
    assert re.search(r"ties: more answers, then higher quality estimate", text)
