"""The monthly season post: the month's totals and everyone who kept practising."""

from __future__ import annotations

from typing import Any

from bot.practice.season_post import MIN_WEEKS, SeasonReport
from bot.slack.render.text import context_line, header, mention, section


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def season_blocks(report: SeasonReport) -> tuple[str, list[dict[str, Any]]]:
    title = f"Season: {report.month:%B %Y}"
    totals = (
        f"{_plural(report.answers, 'answer')}, {_plural(report.reviews, 'completed review')} "
        f"and {_plural(report.mock_rounds, 'mock round')} from "
        f"{_plural(report.members, 'member')} over {report.weeks} weeks."
    )
    blocks: list[Any] = [header(f":calendar: {title}"), section(f"*The month together*\n{totals}")]
    if report.regulars or report.unnamed_regulars:
        lines = [f"{mention(u)} {_plural(n, 'week')}" for u, n in report.regulars]
        if report.unnamed_regulars:
            who = (
                "1 member" if report.unnamed_regulars == 1 else f"{report.unnamed_regulars} members"
            )
            lines.append(f"and {who} who chose not to be listed")
        blocks.append(
            section(f"*Practised at least {MIN_WEEKS} weeks of it* :clap:\n" + "\n".join(lines))
        )
    blocks.append(
        context_line(
            "A new season starts now: every week with one answer, review or mock keeps a "
            "streak going (`/practice stats`)."
        )
    )
    return title, [b.to_dict() for b in blocks]
