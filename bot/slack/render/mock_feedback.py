"""What a member gets back from mocks: the feedback both ways (revealed together) and
`/mock stats`."""

from __future__ import annotations

from collections.abc import Mapping

from bot.practice.mocks.rounds import CriterionProgress
from bot.practice.mocks.stats import MockRecord
from bot.practice.mocks.views import RoundView
from bot.slack.render.text import escape, mention


def stats_reply(
    progress: list[CriterionProgress], rubric: Mapping[str, str], record: MockRecord
) -> str:
    """`rubric` maps criterion id to name, in the rubric's order (which the lines follow)."""
    rate = f"{record.show_rate:.0%}" if record.show_rate is not None else "no check-ins yet"
    lines = [
        "*Your mocks*",
        f"• Mocks held: {record.held}",
        f"• Show rate: {rate}",
        f"• Partners met: {record.partners}",
    ]
    if record.scores:
        trend = ", ".join(f"{p.when:%d %b} {p.mean:.1f}" for p in record.scores[-8:])
        lines.append(f"• Scores over time (as the candidate): {trend}")
    if not progress:
        lines.append(
            "No mock scores yet. After a mock where you were the candidate, your interviewer's "
            "rubric scores show up here once you have both given feedback."
        )
        return "\n".join(lines)
    order = {criterion: i for i, criterion in enumerate(rubric)}
    lines.append("*Your mock scores, mean per criterion*")
    lines += [
        f"• {escape(rubric.get(p.criterion, p.criterion))}: {p.mean:.1f} "
        f"({p.count} score{'s' if p.count != 1 else ''})"
        for p in sorted(progress, key=lambda p: (order.get(p.criterion, len(order)), p.criterion))
    ]
    return "\n".join(lines)


def reveal_text(
    rnd: RoundView,
    scores: Mapping[str, int],
    names: Mapping[str, str],
    rating: int | None,
    comment: str | None,
) -> str:
    """Round feedback both ways, posted in the group DM once both gave theirs (or 48 h on)."""
    lines = [f"*Feedback for round {rnd.round}, both ways*"]
    if scores:
        mean = sum(scores.values()) / len(scores)
        lines.append(
            f"{mention(rnd.interviewer_id)} scored {mention(rnd.candidate_id)} "
            f"(mean {mean:.1f}; it counts in `/mock stats` and the leaderboard):"
        )
        lines += [f"• {escape(names.get(c, c))}: {s}" for c, s in scores.items()]
    else:
        lines.append(f"{mention(rnd.interviewer_id)} gave no scores.")
    if rating is not None:
        said = f": _{escape(comment)}_" if comment else ""
        lines.append(
            f"{mention(rnd.candidate_id)} rated {mention(rnd.interviewer_id)}'s help {rating}/5"
            + said
        )
    else:
        lines.append(f"{mention(rnd.candidate_id)} did not rate the interviewer.")
    lines.append(
        "Press *Swap roles* for round 2, or `/mock` later for a new partner."
        if rnd.round == 1
        else "That was the last round: `/mock` any time for a new partner."
    )
    return "\n".join(lines)


def saved_until_reveal(partner: str) -> str:
    return (
        f"Saved. {mention(partner)} sees it when they have given their feedback too, or 48 hours "
        "after the mock, whichever comes first; you see theirs at the same moment."
    )
