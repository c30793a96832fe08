"""Workspaces leaving and coming back: jobs skip them at once, their data goes after retention."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import (
    Answer,
    Base,
    CalibrationScore,
    Challenge,
    Channel,
    LeaderboardPost,
    MockMatch,
    MockRating,
    MockRequest,
    MockRound,
    MockScore,
    PromptPost,
    ReviewAssignment,
    ReviewerOptIn,
    ThreadMessage,
    ThreadNotice,
    Vote,
    Workspace,
)
from bot.practice.channels import enrol_channel
from bot.practice.workspaces import (
    RETENTION,
    active_channels,
    installed_team_ids,
    mark_uninstalled,
    purge_removed,
    record_install,
)
from bot.slack.oauth import BOT_SCOPES
from tests.conftest import utc

T0 = utc(2026, 3, 2, 9)
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def fill(session: Session, team_id: str, channel_id: str) -> None:
    """A workspace with a row in every table that hangs off it."""
    channel = enrol_channel(session, team_id=team_id, channel_id=channel_id, now=T0).channel
    post = PromptPost(
        channel_pk=channel.id,
        local_date=date(2026, 3, 2),
        pack_id="pmm",
        prompt_id="p1",
        prompt={"title": "x"},
        claimed_at=T0,
        posted_at=T0,
        message_ts="1.1",
        answers_close_at=T0 + timedelta(hours=6),
        reviews_close_at=T0 + timedelta(days=1),
    )
    session.add(post)
    session.flush()
    session.add(ThreadMessage(post_id=post.id, user_id="U1", ts="1.2", text="a"))
    session.add(ThreadNotice(post_id=post.id, kind="notes", claimed_at=T0, message_ts="1.3"))
    answer = Answer(post_id=post.id, user_id="U1", message_ts="1.2", text="a", answered_at=T0)
    session.add(answer)
    session.flush()
    assignment = ReviewAssignment(
        post_id=post.id, answer_id=answer.id, reviewer_id="U2", source="answerer", assigned_at=T0
    )
    session.add(assignment)
    session.flush()
    session.add(Challenge(assignment_id=assignment.id, text="why?", created_at=T0))
    session.add(Vote(answer_id=answer.id, reviewer_id="U2", criterion="c", score=4, updated_at=T0))
    session.add(LeaderboardPost(channel_pk=channel.id, week_start=date(2026, 3, 2), claimed_at=T0))
    session.add(ReviewerOptIn(channel_pk=channel.id, user_id="U3", updated_at=T0))
    session.add(
        CalibrationScore(
            channel_pk=channel.id,
            pack_id="pmm",
            prompt_id="p1",
            level="weak",
            reviewer_id="U2",
            criterion="c",
            score=2,
            reference=1,
            updated_at=T0,
        )
    )
    match = MockMatch(
        team_id=team_id,
        user_a="U1",
        user_b="U2",
        created_at=T0,
        pack_id="pmm",
        prompt_id="p1",
        prompt={},
        candidate_id="U1",
        interviewer_id="U2",
    )
    session.add(match)
    session.flush()
    session.add(
        MockRequest(
            team_id=team_id,
            user_id="U1",
            created_at=T0,
            expires_at=T0,
            status="matched",
            match_id=match.id,
        )
    )
    session.add(
        MockScore(
            match_id=match.id,
            round=1,
            candidate_id="U1",
            interviewer_id="U2",
            criterion="c",
            score=3,
            created_at=T0,
        )
    )
    session.add(
        MockRound(
            match_id=match.id,
            round=1,
            candidate_id="U1",
            interviewer_id="U2",
            pack_id="pmm",
            prompt_id="p",
            prompt={},
            started_at=T0,
        )
    )
    session.add(
        MockRating(
            match_id=match.id, round=1, rater_id="U1", interviewer_id="U2", score=4, created_at=T0
        )
    )
    session.commit()


def rows(session: Session) -> dict[str, int]:
    return {
        table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
        if table.name != "deliveries"
    }


def test_an_uninstalled_workspace_drops_out_of_every_scan_and_a_reinstall_brings_it_back(
    session: Session,
) -> None:
    fill(session, "T1", "C1")
    fill(session, "T2", "C2")
    assert mark_uninstalled(session, "T2", T0 + timedelta(hours=1))
    assert not mark_uninstalled(session, "T2", T0 + timedelta(hours=2))  # the other event
    session.commit()
    assert session.get(Workspace, "T2").uninstalled_at == T0 + timedelta(hours=1)
    assert [c.channel_id for c in active_channels(session)] == ["C1"]
    assert active_channels(session, "C2") == []
    assert list(session.scalars(installed_team_ids())) == ["T1"]

    record_install(session, "T2", T0 + timedelta(days=3), name="Two", bot_user_id="UB2")
    session.commit()
    assert [c.channel_id for c in active_channels(session)] == ["C1", "C2"]
    assert (session.get(Workspace, "T2").name, session.get(Workspace, "T2").bot_user_id) == (
        "Two",
        "UB2",
    )


def test_removed_workspaces_are_deleted_with_all_their_rows_after_retention_only(
    session: Session,
) -> None:
    fill(session, "T1", "C1")
    fill(session, "T2", "C2")
    before = rows(session)
    assert all(n == 2 for n in before.values()), before
    mark_uninstalled(session, "T2", T0)
    session.commit()

    assert purge_removed(session, T0 + RETENTION - timedelta(minutes=1)) == []
    session.commit()
    assert rows(session) == before

    assert purge_removed(session, T0 + RETENTION) == ["T2"]
    session.commit()
    session.expunge_all()
    assert all(n == 1 for n in rows(session).values()), rows(session)
    assert session.scalars(select(Channel.team_id)).all() == ["T1"]
    assert session.scalars(select(MockMatch.team_id)).all() == ["T1"]
    assert purge_removed(session, T0 + 2 * RETENTION) == []


def test_the_oauth_install_asks_for_the_manifests_bot_scopes() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]
