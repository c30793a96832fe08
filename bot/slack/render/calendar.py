"""The match's calendar invite: an `.ics` file (RFC 5545, made with icalendar)."""

from __future__ import annotations

from bot.practice.mocks.views import MatchView

ICS_NAME = "mock-interview.ics"


def invite_ics(match: MatchView, summary: str, description: str) -> bytes:
    """One event at the match's slot; its UID is stable, so a moved slot updates the event."""
    assert match.slot_start is not None and match.slot_end is not None
    from icalendar import Calendar, Event  # only a match's invite needs it (start-up time)

    calendar = Calendar()
    calendar.add("prodid", "-//practice-bot//mock interview//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"mock-{match.id}-{match.team_id}@practice-bot")
    event.add("dtstamp", match.slot_start)
    event.add("dtstart", match.slot_start)
    event.add("dtend", match.slot_end)
    event.add("summary", summary)
    event.add("description", description)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
