"""Whether a DM to a member goes now, waits, or not at all: away, quiet hours, reminders.

Pure: the member's settings, what kind of DM it is, `now` and the DM's deadline in, a
decision out. `bot/slack/dm.py` asks before every DM it sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.practice.members.settings import MemberPrefs
from bot.practice.schedule import local_now


class DmKind(StrEnum):
    # An answer to something the member just did (a button, a command): always sent.
    REPLY = "reply"
    # Work asked of them: a reviewer's brief.
    BRIEF = "brief"
    # Nudges: review reminders, mock reminders, an expired request, plans and drills.
    REMINDER = "reminder"
    # The outcome of their own practice: an author's summary, a mock they asked for.
    RESULT = "result"


# Which kinds each reminder setting lets through (REPLY always goes).
ALLOWED = {
    "all": frozenset(DmKind),
    "brief": frozenset({DmKind.REPLY, DmKind.BRIEF, DmKind.RESULT}),
    "none": frozenset({DmKind.REPLY, DmKind.RESULT}),
}


class Action(StrEnum):
    SEND = "send"
    HOLD = "hold"  # quiet hours: send at `until`
    SKIP = "skip"  # away, or their reminder setting: not sent, not retried
    DROP = "drop"  # quiet hours last past the DM's deadline: not sent, with a note


@dataclass(frozen=True)
class DmDecision:
    action: Action
    reason: str = ""
    until: datetime | None = None
    ts: str = ""  # the message's ts, when sent (a drill's DM keeps it: its thread)


SEND = DmDecision(Action.SEND)


def decide(
    prefs: MemberPrefs, kind: DmKind, now: datetime, deadline: datetime | None = None
) -> DmDecision:
    if kind is DmKind.REPLY:
        return SEND
    if prefs.away_at(now) is not None:
        return DmDecision(Action.SKIP, "away")
    if kind not in ALLOWED.get(prefs.reminders, ALLOWED["all"]):
        return DmDecision(Action.SKIP, f"reminders: {prefs.reminders}")
    ends = quiet_until(prefs, now)
    if ends is None:
        return SEND
    if deadline is not None and ends >= deadline:
        return DmDecision(Action.DROP, "quiet hours last past its deadline", ends)
    return DmDecision(Action.HOLD, "quiet hours", ends)


def quiet_until(prefs: MemberPrefs, now: datetime) -> datetime | None:
    """When the member's quiet hours around `now` end (UTC), or None when they are not quiet."""
    if not prefs.has_quiet_hours:
        return None
    assert prefs.quiet_start is not None and prefs.quiet_end is not None
    local = local_now(now, prefs.tz)
    minute = local.hour * 60 + local.minute
    start, end = prefs.quiet_start, prefs.quiet_end
    quiet = start <= minute < end if start < end else (minute >= start or minute < end)
    if not quiet:
        return None
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    ends = midnight + timedelta(minutes=end)
    if ends <= local:
        ends += timedelta(days=1)
    # Wall-clock arithmetic in the zone, then back to UTC (a DST night shifts it by an hour).
    return ends.replace(tzinfo=local.tzinfo).astimezone(now.tzinfo)
