"""A member's own settings, as `/practice me` and the App Home show them."""

from __future__ import annotations

from bot.practice.members.settings import Away, MemberPrefs, format_minutes

REMINDER_WORDS = {
    "all": "all (the reviewer's brief, reminders, plans)",
    "brief": "the brief only (no reminders)",
    "none": "none (reviews to do are listed here in the App Home)",
}

SETTINGS_HINT = (
    "Change with `/practice me away YYYY-MM-DD` (or `away off`), `/practice me quiet 22:00-08:00`"
    " (or `quiet off`), `/practice me reminders all|brief|none`, `/practice me listed yes|no`."
)


def _away_line(away_now: Away | None, away_next: Away | None) -> str:
    if away_now is not None:
        return (
            f"*Away* until {away_now.last.isoformat()} (included): no reviews, no reminders, "
            "`/mock` paused, your streak is kept."
        )
    if away_next is not None:
        return f"*Away* from {away_next.first.isoformat()} to {away_next.last.isoformat()}."
    return "*Away*: no."


def settings_text(
    prefs: MemberPrefs, away_now: Away | None, away_next: Away | None, *, title: bool = True
) -> str:
    quiet = (
        f"{format_minutes(prefs.quiet_start)}-{format_minutes(prefs.quiet_end)} ({prefs.tz}); "
        "DMs wait until they end"
        if prefs.has_quiet_hours and prefs.quiet_start is not None and prefs.quiet_end is not None
        else "none"
    )
    listed = (
        "yes"
        if prefs.listed
        else "no (counted as a member who chose not to be listed; you still see your rank)"
    )
    lines = [
        "*Your settings*" if title else "",
        _away_line(away_now, away_next),
        f"*Quiet hours*: {quiet}",
        f"*Reminders*: {REMINDER_WORDS.get(prefs.reminders, prefs.reminders)}",
        f"*Named on the leaderboard*: {listed}",
    ]
    return "\n".join(line for line in lines if line)


def settings_reply(
    message: str, prefs: MemberPrefs, away_now: Away | None, away_next: Away | None
) -> str:
    head = f"{message}\n\n" if message else ""
    return f"{head}{settings_text(prefs, away_now, away_next)}\n{SETTINGS_HINT}"
