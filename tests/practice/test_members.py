"""A member's settings and the DM policy they make (pure decisions, and away periods stored)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.practice.members.dm_policy import Action, DmKind, decide, quiet_until
from bot.practice.members.settings import Away, MemberPrefs, prefs_of, set_away
from tests.conftest import utc

BERLIN_NIGHTS = MemberPrefs(tz="Europe/Berlin", quiet_start=22 * 60, quiet_end=7 * 60)


def test_quiet_hours_span_midnight_in_the_members_zone() -> None:
    assert quiet_until(BERLIN_NIGHTS, utc(2026, 3, 2, 20, 59)) is None  # 21:59 in Berlin
    assert quiet_until(BERLIN_NIGHTS, utc(2026, 3, 2, 21, 0)) == utc(2026, 3, 3, 6, 0)
    assert quiet_until(BERLIN_NIGHTS, utc(2026, 3, 3, 5, 59)) == utc(2026, 3, 3, 6, 0)
    assert quiet_until(BERLIN_NIGHTS, utc(2026, 3, 3, 6, 0)) is None
    # The night clocks go forward (29 March 2026): 07:00 in Berlin is 05:00 UTC.
    assert quiet_until(BERLIN_NIGHTS, utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 5, 0)


def test_a_dm_is_held_until_quiet_hours_end_or_dropped_past_its_deadline() -> None:
    night = utc(2026, 3, 2, 23, 0)
    held = decide(BERLIN_NIGHTS, DmKind.BRIEF, night, deadline=utc(2026, 3, 3, 14))
    assert held.action is Action.HOLD and held.until == utc(2026, 3, 3, 6, 0)
    dropped = decide(BERLIN_NIGHTS, DmKind.REMINDER, night, deadline=utc(2026, 3, 3, 5))
    assert dropped.action is Action.DROP
    assert decide(BERLIN_NIGHTS, DmKind.REPLY, night).action is Action.SEND


def test_away_and_the_reminder_setting_skip_what_they_cover() -> None:
    now = utc(2026, 3, 2, 12)
    away = MemberPrefs(away=(Away(date(2026, 3, 1), date(2026, 3, 2)),))
    assert decide(away, DmKind.RESULT, now).action is Action.SKIP
    assert decide(away, DmKind.REPLY, now).action is Action.SEND
    assert decide(away, DmKind.BRIEF, utc(2026, 3, 3, 12)).action is Action.SEND  # back
    brief_only = MemberPrefs(reminders="brief")
    assert decide(brief_only, DmKind.BRIEF, now).action is Action.SEND
    assert decide(brief_only, DmKind.REMINDER, now).action is Action.SKIP
    none = MemberPrefs(reminders="none")
    assert decide(none, DmKind.BRIEF, now).action is Action.SKIP
    assert decide(none, DmKind.RESULT, now).action is Action.SEND


def test_changing_a_running_away_period_keeps_its_start(session: Session) -> None:
    set_away(session, "T1", "ana", MemberPrefs(), date(2026, 3, 6), utc(2026, 3, 2, 12))
    session.flush()
    later = utc(2026, 3, 4, 12)
    set_away(session, "T1", "ana", prefs_of(session, "T1", "ana"), date(2026, 3, 10), later)
    session.flush()
    assert prefs_of(session, "T1", "ana").away == (Away(date(2026, 3, 2), date(2026, 3, 10)),)
