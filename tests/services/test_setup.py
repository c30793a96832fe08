"""Saving a channel's setup: only for a manager, asked between the read and the write with no
transaction open (the question goes to Slack and can wait on a rate limit)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory
from bot.models import Channel
from bot.practice.channels import ScheduleSettings
from bot.services.channels import save_setup
from bot.transaction_guard import holds_transaction
from tests import builders as b

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
TOKYO = ScheduleSettings(
    post_time="07:30",
    timezone="Asia/Tokyo",
    weekdays="1,3,5",
    answer_window_minutes=120,
    reviewers_per_answer=3,
    content_pack="pmm",
)


def _save(sessions: SessionFactory, answer: bool, asked: list[str | None]) -> str:
    def may_manage(creator: str | None) -> bool:
        asked.append(creator)
        assert not holds_transaction()  # Slack is asked with no transaction open
        return answer

    return save_setup(sessions, "T1", "C1", TOKYO, NOW, may_manage=may_manage).status


def test_a_manager_saves_the_setup(session: Session) -> None:
    b.channel(session, creator_id="UCREATOR")
    asked: list[str | None] = []
    assert _save(b.sessions_like(session), True, asked) == "saved"
    assert asked == ["UCREATOR"]
    assert session.scalar(select(Channel.timezone)) == "Asia/Tokyo"


def test_a_refused_setup_changes_nothing(session: Session) -> None:
    b.channel(session, tz="Europe/Berlin")
    assert _save(b.sessions_like(session), False, []) == "refused"
    assert session.scalar(select(Channel.timezone)) == "Europe/Berlin"


def test_a_channel_not_enrolled_asks_nobody(session: Session) -> None:
    asked: list[str | None] = []
    assert _save(b.sessions_like(session), True, asked) == "not-enrolled"
    assert asked == []
