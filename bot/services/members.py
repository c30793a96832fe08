"""A member's own settings (`/practice me`, the App Home) and the DM policy's read."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.members.dm_policy import DmDecision, DmKind, decide
from bot.practice.members.settings import (
    REMINDER_CHOICES,
    Away,
    MemberPrefs,
    SettingsError,
    away_now_and_next,
    end_away,
    parse_quiet_hours,
    prefs_of,
    save_prefs,
    set_away,
)


@dataclass(frozen=True)
class MySettings:
    """What the member sees of their settings."""

    prefs: MemberPrefs
    away_now: Away | None
    away_next: Away | None  # the running or next planned period
    message: str = ""  # what the last change did


def dm_decision(
    sessions: SessionFactory,
    now: datetime,
    team_id: str,
    user_id: str,
    kind: DmKind,
    deadline: datetime | None = None,
) -> DmDecision:
    if kind is DmKind.REPLY:
        return decide(MemberPrefs(), kind, now, deadline)
    with read_only(sessions) as session:
        prefs = prefs_of(session, team_id, user_id)
    return decide(prefs, kind, now, deadline)


def my_settings(sessions: SessionFactory, team_id: str, user_id: str, now: datetime) -> MySettings:
    with read_only(sessions) as session:
        return _view(prefs_of(session, team_id, user_id), now)


def _view(prefs: MemberPrefs, now: datetime, message: str = "") -> MySettings:
    away_now, away_next = away_now_and_next(prefs, now)
    return MySettings(prefs, away_now, away_next, message)


def change_settings(
    sessions: SessionFactory,
    team_id: str,
    user_id: str,
    words: list[str],
    now: datetime,
    *,
    tz: str | None = None,
) -> MySettings:
    """One change as `/practice me` words (`away 2026-12-24`, `away off`, `quiet 22:00-07:00`,
    `quiet off`, `reminders all|brief|none`, `listed yes|no`). `tz`: the member's Slack time
    zone when it could be read. Raises SettingsError with a message fit for the member."""
    if len(words) != 2:
        raise SettingsError(USAGE)
    return apply_settings(sessions, team_id, user_id, [(words[0], words[1])], now, tz=tz)


def apply_settings(
    sessions: SessionFactory,
    team_id: str,
    user_id: str,
    changes: list[tuple[str, str]],
    now: datetime,
    *,
    tz: str | None = None,
) -> MySettings:
    """Several changes (the App Home's settings form), all or none, in one unit of work."""
    with unit_of_work(sessions) as session:
        prefs = prefs_of(session, team_id, user_id)
        if tz:
            prefs = replace(prefs, tz=tz)
        messages = []
        for key, value in changes:
            prefs, message = _apply(
                session, team_id, user_id, prefs, key.lower(), value.lower(), now
            )
            messages.append(message)
        save_prefs(session, team_id, user_id, prefs, now)
        session.commit()
        prefs = prefs_of(session, team_id, user_id)
    return _view(prefs, now, " ".join(messages))


USAGE = (
    "Use `/practice me away YYYY-MM-DD` (or `away off`), `/practice me quiet 22:00-08:00` "
    "(or `quiet off`), `/practice me reminders all|brief|none`, `/practice me listed yes|no`."
)


def _apply(
    session: Session,
    team_id: str,
    user_id: str,
    prefs: MemberPrefs,
    key: str,
    value: str,
    now: datetime,
) -> tuple[MemberPrefs, str]:
    if key == "away":
        if value in ("off", "back", "no"):
            was = end_away(session, team_id, user_id, prefs, now)
            return prefs, "Welcome back." if was else "You were not away."
        try:
            until = date.fromisoformat(value)
        except ValueError as exc:
            raise SettingsError(f"'{value}' is not a date like 2026-12-24.") from exc
        period = set_away(session, team_id, user_id, prefs, until, now)
        return prefs, f"You are away until {period.last.isoformat()} (included)."
    if key == "quiet":
        if value == "off":
            return replace(prefs, quiet_start=None, quiet_end=None), "Quiet hours off."
        start, end = parse_quiet_hours(value)
        return replace(prefs, quiet_start=start, quiet_end=end), f"Quiet hours set ({prefs.tz})."
    if key == "reminders":
        if value not in REMINDER_CHOICES:
            raise SettingsError(
                "Reminders are `all`, `brief` (the reviewer's brief only) or `none`."
            )
        return replace(prefs, reminders=value), f"Reminders: {value}."
    if key == "listed":
        if value not in ("yes", "no", "on", "off"):
            raise SettingsError("Use `/practice me listed yes` or `/practice me listed no`.")
        listed = value in ("yes", "on")
        return replace(prefs, listed=listed), (
            "The leaderboard names you."
            if listed
            else "The leaderboard counts you without your name."
        )
    raise SettingsError(USAGE)
