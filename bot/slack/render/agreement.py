"""Reviewer agreement as members read it: their own in `/practice stats` and the App Home, the
channel's in the weekly post. Separate builders, so each surface places them where it likes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.practice.agreement import Alpha, Gap
from bot.practice.reviewer_agreement import ReviewerAgreement
from bot.slack.render.text import section


def _gap_text(g: Gap) -> str:
    assert g.mean_gap is not None and g.within_one is not None
    return (
        f"{g.mean_gap:.1f} points apart on average, {g.within_one:.0%} within one point, "
        f"over {g.scores} {'score' if g.scores == 1 else 'scores'}"
    )


def agreement_lines(agreement: ReviewerAgreement) -> list[str]:
    """The reviewer's own agreement, for `/practice stats` and the App Home."""
    lines = [f"*Your scoring against others', last {agreement.weeks} weeks*"]
    if agreement.peers.mean_gap is not None:
        lines.append(
            f"• With the other reviewers of the same answers: {_gap_text(agreement.peers)}"
        )
    else:
        lines.append("• With other reviewers: no answer scored by you and someone else yet")
    if agreement.reference.mean_gap is not None:
        lines.append(
            f"• With the pack's scores of sample answers: {_gap_text(agreement.reference)}"
        )
    else:
        lines.append(
            "• With the pack: press *See sample answers* in a review DM and score one to calibrate"
        )
    return lines


def channel_agreement_section(
    agreement: Mapping[str, Alpha], names: Mapping[str, str]
) -> dict[str, Any] | None:
    """The weekly post's agreement per criterion (only criteria with enough units)."""
    if not agreement:
        return None
    lines = [
        f"• {names.get(c, c)}: {a.value:.2f} ({a.units} answers and samples)"
        for c, a in sorted(agreement.items(), key=lambda kv: kv[0])
        if a.value is not None
    ]
    return section(
        "*How much reviewers agreed* (Krippendorff's alpha: 1 full, 0 chance)\n" + "\n".join(lines)
    ).to_dict()
