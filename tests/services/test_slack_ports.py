"""Use cases whose Slack work sits behind a port: asked with no transaction open, and the
effects after the commit (the manager check, the bot joining a channel, a workspace removing
the app)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Channel, Workspace
from bot.practice.channels import ChannelView
from bot.practice.ports import ChannelFacts
from bot.services import channels, workspaces
from bot.services.managers import NotAManager
from bot.transaction_guard import holds_transaction
from tests import builders as b

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_a_manager_only_use_case_asks_slack_outside_a_transaction_and_refuses_first(
    session: Session,
) -> None:
    b.channel(session, creator_id="UCREATOR")
    asked: list[str | None] = []

    def no(creator: str | None) -> bool:
        asked.append(creator)
        assert not holds_transaction()
        return False

    sessions = b.sessions_like(session)
    with pytest.raises(NotAManager):
        channels.pause(sessions, "T1", "C1", NOW, "by a member", may_manage=no)

    assert asked == ["UCREATOR"]
    assert session.scalar(select(Channel.paused)) is False


@dataclass
class FakeDirectory:
    seen: Session
    asked: list[str] = field(default_factory=list)
    welcomed: list[tuple[str, int]] = field(default_factory=list)  # (channel, stored channels)

    def user_tz(self, user_id: str) -> str | None:
        assert not holds_transaction()
        self.asked.append(user_id)
        return "Asia/Tokyo"

    def channel(self, channel_id: str) -> ChannelFacts:
        assert not holds_transaction()
        self.asked.append(channel_id)
        return ChannelFacts("pmm-practice", "UCREATOR")

    def welcome(self, channel: ChannelView) -> None:
        assert not holds_transaction()
        stored = len(self.seen.scalars(select(Channel)).all())
        self.seen.rollback()
        self.welcomed.append((channel.channel_id, stored))


def test_the_bot_joining_reads_slack_first_enrols_then_welcomes_once(session: Session) -> None:
    directory = FakeDirectory(session)
    sessions = b.sessions_like(session)

    first = channels.bot_joined(
        sessions, "T1", "C9", NOW, inviter_id="UINVITER", directory=directory
    )
    again = channels.bot_joined(
        sessions, "T1", "C9", NOW, inviter_id="UINVITER", directory=directory
    )

    assert first.created and not again.created and not again.resumed
    assert directory.welcomed == [("C9", 1)]  # committed before the welcome; one welcome
    assert first.channel.name == "pmm-practice" and first.channel.creator_id == "UCREATOR"
    assert session.scalar(select(Channel.timezone)) == "Asia/Tokyo"  # the inviter's zone


def test_a_join_or_leave_older_than_the_last_one_applied_changes_nothing(
    session: Session,
) -> None:
    """Slack sends two events for a removal and retries deliveries: a leave can arrive after
    the re-invite that followed it, and must not pause the channel again."""
    directory = FakeDirectory(session)
    sessions = b.sessions_like(session)
    join = "1772452800.000100"
    channels.bot_joined(sessions, "T1", "C9", NOW, inviter_id="U1", directory=directory)
    assert channels.bot_removed(sessions, "T1", "C9", NOW, event_ts="1772452800.000200")
    rejoined = channels.bot_joined(
        sessions, "T1", "C9", NOW, inviter_id="U1", directory=directory, event_ts="1772452801.0"
    )
    assert rejoined.resumed and directory.welcomed == [("C9", 1), ("C9", 1)]

    late_leave = channels.bot_removed(sessions, "T1", "C9", NOW, event_ts="1772452800.000300")
    late_join = channels.bot_joined(
        sessions, "T1", "C9", NOW, inviter_id="U1", directory=directory, event_ts=join
    )

    assert late_leave is not None and not late_leave.changed
    assert not late_join.resumed and len(directory.welcomed) == 2
    assert session.scalar(select(Channel.paused)) is False
    assert session.scalar(select(Channel.membership_ts)) == "1772452801.0"
    session.rollback()  # its reads began `BEGIN IMMEDIATE` on SQLite: the write lock, held
    # A later leave still pauses; one without a readable time is applied as before.
    assert channels.bot_removed(sessions, "T1", "C9", NOW, event_ts="1772452802.5").changed
    channels.bot_joined(sessions, "T1", "C9", NOW, inviter_id="U1", directory=directory)
    assert channels.bot_removed(sessions, "T1", "C9", NOW, event_ts="not a ts").changed
    assert session.scalar(select(Channel.membership_ts)) == "1772452802.5"


@dataclass
class FakeInstallations:
    seen: Session
    forgotten: list[tuple[str, str | None, bool]] = field(default_factory=list)

    def _uninstalled(self) -> bool:
        marked = self.seen.scalar(select(Workspace.uninstalled_at)) is not None
        self.seen.rollback()
        return marked

    def forget_user(self, team_id: str, user_id: str) -> None:
        assert not holds_transaction()
        self.forgotten.append((team_id, user_id, self._uninstalled()))

    def forget_workspace(self, team_id: str) -> None:
        assert not holds_transaction()
        self.forgotten.append((team_id, None, self._uninstalled()))


def test_a_revoked_bot_token_marks_the_workspace_then_forgets_its_tokens(
    session: Session,
) -> None:
    b.channel(session)
    installations = FakeInstallations(session)
    sessions = b.sessions_like(session)

    first = workspaces.tokens_revoked(
        sessions, "T1", NOW, installations=installations, user_ids=["U1"], bot=True
    )
    again = workspaces.tokens_revoked(sessions, "T1", NOW, installations=installations)

    assert (first, again) == (True, False)
    assert installations.forgotten == [
        ("T1", "U1", True),  # marked uninstalled (committed) before any token is forgotten
        ("T1", None, True),
        ("T1", None, True),  # a retry forgets again, harmlessly
    ]


def test_a_members_revoked_token_forgets_only_theirs(session: Session) -> None:
    b.channel(session)
    installations = FakeInstallations(session)

    first = workspaces.tokens_revoked(
        b.sessions_like(session), "T1", NOW, installations=installations, user_ids=["U1"], bot=False
    )

    assert first is False
    assert installations.forgotten == [("T1", "U1", False)]
