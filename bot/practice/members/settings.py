"""Reading and changing a member's settings (`member_settings`, `away_periods`).

Settings are per workspace member and apply in every channel of the workspace. Dates are the
member's local dates (their Slack time zone, stored with the settings).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from bot.db import insert_for
from bot.models import AwayPeriod, MemberSettings
from bot.practice.schedule import ScheduleError, is_known_zone, local_date, parse_hhmm

REMINDER_CHOICES = ("all", "brief", "none")
# How far ahead "away until" may reach (a typo of a year is refused, not stored).
MAX_AWAY = timedelta(days=366)


class SettingsError(ValueError):
    """A setting that cannot be stored; the message is fit to show the member."""


@dataclass(frozen=True)
class Away:
    first: date
    last: date


@dataclass(frozen=True)
class MemberPrefs:
    """A member's settings as plain data; `DEFAULT` when they never set any."""

    tz: str = "UTC"
    quiet_start: int | None = None  # minutes after local midnight
    quiet_end: int | None = None
    reminders: str = "all"
    listed: bool = True
    away: tuple[Away, ...] = ()

    @property
    def has_quiet_hours(self) -> bool:
        return (
            self.quiet_start is not None
            and self.quiet_end is not None
            and self.quiet_start != self.quiet_end
        )

    def away_on(self, day: date) -> Away | None:
        return next((a for a in self.away if a.first <= day <= a.last), None)

    def away_at(self, now: datetime) -> Away | None:
        return self.away_on(local_date(now, self.tz))


DEFAULT = MemberPrefs()


def away_now_and_next(prefs: MemberPrefs, now: datetime) -> tuple[Away | None, Away | None]:
    """The period they are away in now, and the running or next planned one."""
    day = local_date(now, prefs.tz)
    upcoming = [a for a in prefs.away if a.last >= day]
    return prefs.away_on(day), (upcoming[0] if upcoming else None)


def _zone_or_utc(tz: str | None) -> str:
    return tz if tz and is_known_zone(tz) else "UTC"


# What `prefs_of` reads, built once: it runs before every DM (`dm_decision`), thousands in a
# review close, where building the statements and loading ORM objects was most of its cost.
_SETTINGS = select(
    MemberSettings.tz,
    MemberSettings.quiet_start,
    MemberSettings.quiet_end,
    MemberSettings.reminders,
    MemberSettings.listed,
).where(MemberSettings.team_id == bindparam("team"), MemberSettings.user_id == bindparam("user"))
_AWAY = (
    select(AwayPeriod.first, AwayPeriod.last)
    .where(AwayPeriod.team_id == bindparam("team"), AwayPeriod.user_id == bindparam("user"))
    .order_by(AwayPeriod.first)
)


def prefs_of(session: Session, team_id: str, user_id: str) -> MemberPrefs:
    member = {"team": team_id, "user": user_id}
    row = session.execute(_SETTINGS, member).first()
    away = tuple(Away(first, last) for first, last in session.execute(_AWAY, member))
    if row is None:
        return replace(DEFAULT, away=away)
    tz, quiet_start, quiet_end, reminders, listed = row
    return MemberPrefs(
        tz=_zone_or_utc(tz),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        reminders=reminders if reminders in REMINDER_CHOICES else "all",
        listed=listed,
        away=away,
    )


def save_prefs(
    session: Session, team_id: str, user_id: str, prefs: MemberPrefs, now: datetime
) -> None:
    """Store the settings (not the away periods: `set_away`/`end_away`)."""
    values = {
        "tz": _zone_or_utc(prefs.tz),
        "quiet_start": prefs.quiet_start,
        "quiet_end": prefs.quiet_end,
        "reminders": prefs.reminders,
        "listed": prefs.listed,
        "updated_at": now,
    }
    insert = insert_for(session)
    session.execute(
        insert(MemberSettings)
        .values(team_id=team_id, user_id=user_id, **values)
        .on_conflict_do_update(index_elements=["team_id", "user_id"], set_=values)
    )


def set_away(
    session: Session, team_id: str, user_id: str, prefs: MemberPrefs, until: date, now: datetime
) -> Away:
    """Away from today (their local date) to `until`, replacing a period that is still running
    or planned; past periods are kept (streaks read them)."""
    today = local_date(now, prefs.tz)
    if until < today:
        raise SettingsError(f"{until.isoformat()} has passed; give a date from today on.")
    if until > today + MAX_AWAY:
        raise SettingsError("Away can reach at most a year ahead.")
    running = prefs.away_on(today)
    first = running.first if running is not None else today  # a running period keeps its start
    _drop_current(session, team_id, user_id, today)
    session.add(AwayPeriod(team_id=team_id, user_id=user_id, first=first, last=until))
    return Away(first, until)


def end_away(
    session: Session, team_id: str, user_id: str, prefs: MemberPrefs, now: datetime
) -> bool:
    """Back today: a running period ends yesterday, a planned one goes. False: was not away."""
    today = local_date(now, prefs.tz)
    running = prefs.away_on(today)
    _drop_current(session, team_id, user_id, today)
    if running is not None and running.first < today:
        session.add(
            AwayPeriod(
                team_id=team_id,
                user_id=user_id,
                first=running.first,
                last=today - timedelta(days=1),
            )
        )
    return running is not None


def _drop_current(session: Session, team_id: str, user_id: str, today: date) -> None:
    session.execute(
        delete(AwayPeriod).where(
            AwayPeriod.team_id == team_id,
            AwayPeriod.user_id == user_id,
            AwayPeriod.last >= today,
        )
    )


def away_members(session: Session, team_id: str, users: Iterable[str], now: datetime) -> set[str]:
    """Which of `users` are away at `now` (each on their own local date)."""
    wanted = set(users)
    if not wanted:
        return set()
    # Local dates are within a day of the UTC date: read that band, then decide per member.
    day = now.date()
    rows = session.execute(
        select(AwayPeriod.user_id, AwayPeriod.first, AwayPeriod.last).where(
            AwayPeriod.team_id == team_id,
            AwayPeriod.user_id.in_(wanted),
            AwayPeriod.last >= day - timedelta(days=1),
            AwayPeriod.first <= day + timedelta(days=1),
        )
    )
    candidates = {user for user, _first, _last in rows}
    return {
        user for user in candidates if prefs_of(session, team_id, user).away_at(now) is not None
    }


def unlisted_members(session: Session, team_id: str) -> set[str]:
    """Members of the workspace who chose not to be named on leaderboards."""
    return set(
        session.scalars(
            select(MemberSettings.user_id).where(
                MemberSettings.team_id == team_id, MemberSettings.listed.is_(False)
            )
        )
    )


def parse_quiet_hours(text: str) -> tuple[int, int]:
    """ "22:00-08:00" into minutes after midnight; raises SettingsError."""
    start, sep, end = text.partition("-")
    if not sep:
        raise SettingsError("Give quiet hours as a range like 22:00-08:00.")
    try:
        first, last = _hhmm(start), _hhmm(end)
    except ScheduleError as exc:
        raise SettingsError(str(exc)) from exc
    if first == last:
        raise SettingsError("Quiet hours need a start and an end that differ.")
    return first, last


def _hhmm(text: str) -> int:
    at: time = parse_hhmm(text)
    return at.hour * 60 + at.minute


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
