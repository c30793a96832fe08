"""A channel's scoring rules in words: the summary in `/practice help` and the leaderboard's
footer, the settings list of `/practice scoring` and why a setting was refused (the numbers:
`bot/practice/scoring.py`)."""

from __future__ import annotations

from dataclasses import fields

from bot.practice.scoring import DEFAULT_RULES, ScoringRules, ScoringSettingError

SETTING_HELP = {
    "quality_weight": "points per unit of a person's quality estimate (1-5), per answer",
    "participation": "points per on-time answer",
    "review_credit": "points per completed review or completed mock round",
    "missed_review": "points taken off per missed review",
    "mock_weight": "how much of an answer a scored mock round weighs in the quality estimate",
    "shrinkage": "answers' worth of the channel's mean mixed into each quality estimate",
    "bias_correction": "centre each reviewer's scores on their own average (on/off)",
    "bias_window_weeks": "weeks of a reviewer's scores that make their average",
    "streak_reviews": "a completed review makes a practice week for streaks (on/off)",
    "streak_mocks": "a scored mock round makes a practice week for streaks (on/off)",
    "weighted_consensus": "weigh each reviewer's scores by how reliable they have been (on/off)",
    "standins": "offer reviews not done in time to stand-ins (on/off)",
    "standin_after": "when stand-ins are offered, as a share of the review time (0.5: half-time)",
    "give_to_get": "authors see scores early only once they have done their own reviews (on/off)",
}


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


def setting_error_text(error: ScoringSettingError) -> str:
    """Why `/practice scoring KEY VALUE` was refused, in words."""
    if error.code == "unknown":
        known = ", ".join(f"`{k}`" for k in SETTING_HELP)
        return f"`{error.key}` is not a scoring setting. Settings: {known}"
    if error.code == "on-off":
        return f"`{error.key}` is on or off, not `{error.raw}`."
    if error.code == "number":
        return f"`{error.key}` needs a number, not `{error.raw}`."
    return f"`{error.key}` must be between {error.low:g} and {error.high:g}."
