"""A channel's scoring rules in words: the summary in `/practice help` and the leaderboard's
footer, and the settings list of `/practice scoring` (the numbers: `bot/practice/scoring.py`)."""

from __future__ import annotations

from dataclasses import fields

from bot.practice.scoring import DEFAULT_RULES, SETTING_HELP, ScoringRules


def _num(value: float) -> str:
    return f"{value:g}"


def describe_rules(rules: ScoringRules = DEFAULT_RULES) -> str:
    """A short mrkdwn summary for `/practice help` and the leaderboard's footer."""
    lines = [
        "*Scoring* (per week)",
        f"• each on-time answer: {_num(rules.participation)} pt + "
        f"{_num(rules.quality_weight)} x your quality estimate (1-5), scored or not",
        "• quality estimate: the mean of your scored answers, pulled toward the channel's "
        f"mean as if {_num(rules.shrinkage)} more answers had scored it; an unscored answer "
        "neither lowers nor raises it",
        f"• each completed review (challenge posted, all criteria scored) and each scored "
        f"`/mock` round, interviewer or candidate: {_num(rules.review_credit)} pt",
        (
            f"• missed reviews: -{_num(rules.missed_review)} pt each"
            if rules.missed_review
            else "• missed days and missed reviews: nothing taken off"
        ),
        "• ties: more answers, then higher quality estimate, then the earlier first answer",
    ]
    if rules.bias_correction:
        lines.append("• reviewer-bias correction is on: each reviewer's scores are centred")
    if rules.weighted_consensus:
        lines.append("• reliability-weighted consensus is on: reliable reviewers count for more")
    lines.append("Channel managers can change these with `/practice scoring`.")
    return "\n".join(lines)


def describe_settings(rules: ScoringRules) -> str:
    lines = []
    for f in fields(ScoringRules):
        value = getattr(rules, f.name)
        shown = ("on" if value else "off") if isinstance(value, bool) else _num(value)
        changed = "" if value == getattr(DEFAULT_RULES, f.name) else " _(changed here)_"
        lines.append(f"• `{f.name}` = {shown}: {SETTING_HELP[f.name]}{changed}")
    return "\n".join(lines)
