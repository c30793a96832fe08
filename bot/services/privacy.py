"""`/practice export` and forget-me (docs/privacy.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.db import SessionFactory, read_only, unit_of_work
from bot.practice.privacy.export import export_user
from bot.practice.privacy.forget import ForgetReport, forget_user


def export(sessions: SessionFactory, team_id: str, user_id: str) -> dict[str, Any]:
    """Everything stored about the user in the workspace, as JSON-ready data."""
    with read_only(sessions) as session:
        return export_user(session, team_id, user_id)


def forget(sessions: SessionFactory, team_id: str, user_id: str, now: datetime) -> ForgetReport:
    """Erase or anonymise everything about the user; the report says what, and which bot
    messages (their challenges) the caller may delete from Slack."""
    with unit_of_work(sessions) as session:
        report = forget_user(session, team_id, user_id, now)
        session.commit()
    return report
