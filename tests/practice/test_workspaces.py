"""Workspaces leaving and coming back: jobs skip them at once, their data goes after retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import (
    AwayPeriod,
    Base,
    Channel,
    DrillAnswer,
    GoalMessage,
    InterviewGoal,
    MemberSettings,
    MockCheckIn,
    MockMatch,
    MockNotice,
    MockStanding,
    PromptIdea,
    ReviewRating,
    SeasonPost,
    StandinOffer,
    Workspace,
)
from bot.practice.calibration import SampleRef, record_calibration
from bot.practice.privacy.marks import mark_forgotten
from bot.practice.workspaces import (
    RETENTION,
    active_clocks,
    installed_team_ids,
    mark_uninstalled,
    purge_removed,
    record_install,
)
from bot.slack.oauth import BOT_SCOPES
from tests import builders as b
from tests.conftest import utc

T0 = utc(2026, 3, 2, 9)
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def fill(session: Session, team_id: str, channel_id: str) -> None:
    """A workspace with a row in every table that hangs off it."""
    channel = b.channel(session, channel_id, team_id=team_id)
    post = b.post(session, channel, T0.date())
    answer = b.replied_answer(session, post, "U1", "1772442060.000100", "a")
    assignment = b.review(session, answer, "U2", {"c": 4})
    session.add(StandinOffer(assignment_id=assignment.id, user_id="U3", created_at=T0))
    session.add(
        ReviewRating(assignment_id=assignment.id, author_id="U1", helpful=True, created_at=T0)
    )
    b.opt_in(session, channel, "U3", T0)
    b.thread_notice(session, post, "notes", "1772442120.000100")
    b.leaderboard_post(session, channel, T0.date())
    sample = SampleRef("pmm", "p1", "weak")
    record_calibration(session, channel, "U2", sample, {"c": 2}, {"c": 1}, T0)
    match = b.mock(session, "U1", "U2", {"c": 3}, T0, team_id=team_id, status="live")
    b.mock_round(session, match)
    b.mock_rating(session, match, 4)
    b.mock_request(session, "U1", T0, team_id=team_id, match=match)
    session.add(MockCheckIn(match_id=match.id, user_id="U1", outcome="happened", created_at=T0))
    session.add(MockNotice(match_id=match.id, user_id="U1", kind="check-in", claimed_at=T0))
    session.add(MockStanding(team_id=team_id, user_id="U2", front_of_queue=True))
    mark_forgotten(session, team_id, "U9", T0)  # someone who used forget-me there
    session.add(MemberSettings(team_id=team_id, user_id="U1", reminders="brief", updated_at=T0))
    session.add(AwayPeriod(team_id=team_id, user_id="U1", first=T0.date(), last=T0.date()))
    session.add(
        InterviewGoal(
            team_id=team_id, user_id="U1", interview_on=T0.date(), pack_id="pmm", updated_at=T0
        )
    )
    session.add(
        GoalMessage(team_id=team_id, user_id="U1", kind="plan", period=T0.date(), claimed_at=T0)
    )
    session.add(PromptIdea(team_id=team_id, pack_id="pmm", text="a case", created_on=T0.date()))
    session.add(
        DrillAnswer(
            team_id=team_id,
            user_id="U1",
            pack_id="pmm",
            prompt_id="p1",
            channel_id="D1",
            thread_ts="1.0",
            last_ts="2.0",
            text="a drill answer",
            answered_at=T0,
        )
    )
    session.add(SeasonPost(channel_pk=channel.id, month=T0.date().replace(day=1), claimed_at=T0))
    session.commit()


def rows(session: Session) -> dict[str, int]:
    return {
        table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
        if table.name != "deliveries"
    }


def scanned(session: Session) -> list[str]:
    """The channel ids the jobs' scan (`active_clocks`) starts from."""
    return [session.get(Channel, pk).channel_id for pk, _ in active_clocks(session)]


def test_an_uninstalled_workspace_drops_out_of_every_scan_and_a_reinstall_brings_it_back(
    session: Session,
) -> None:
    fill(session, "T1", "C1")
    fill(session, "T2", "C2")
    assert mark_uninstalled(session, "T2", T0 + timedelta(hours=1))
    assert not mark_uninstalled(session, "T2", T0 + timedelta(hours=2))  # the other event
    session.commit()
    assert session.get(Workspace, "T2").uninstalled_at == T0 + timedelta(hours=1)
    assert scanned(session) == ["C1"]
    assert active_clocks(session, "C2") == []
    assert list(session.scalars(installed_team_ids())) == ["T1"]

    record_install(session, "T2", T0 + timedelta(days=3), name="Two", bot_user_id="UB2")
    session.commit()
    assert scanned(session) == ["C1", "C2"]
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
