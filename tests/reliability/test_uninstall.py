"""The app removed from the workspace in the middle of a practice week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.emulator.stage import Stage
from bot.models import Answer, Workspace
from tests.e2e.conftest import CHANNEL, MEMBERS
from tests.e2e.reads import NINE_NY, count, prompts, scalar

ANA, BEN, CHI, DEV = MEMBERS
JOBS = ("post-prompt", "assign-reviewers", "close-reviews")


@pytest.mark.fault(
    "the app uninstalled (token revoked) on Monday afternoon, mid-week, with answers waiting "
    "for review",
    "the app_uninstalled event marks the workspace removed at once: no job calls Slack for it "
    "again all week (no prompt, no DM, no retry loop); its data is kept until the retention "
    "period",
)
def test_uninstall_mid_week(enrolled: Stage) -> None:
    stage = enrolled
    stage.run_job("post-prompt", NINE_NY)
    (prompt,) = prompts(stage)
    stage.set_time(NINE_NY + timedelta(minutes=30))
    for user in (ANA, BEN, CHI):
        stage.sender.post(user, CHANNEL, f"answer by {user}", thread_ts=prompt["ts"])
    stage.slack.wait_for(lambda: count(stage, Answer) == 3)
    # The check marks go out after each answer is committed: wait for them too.
    stage.slack.wait_for(lambda: len(stage.slack.calls_to("reactions.add")) == 3)

    stage.set_time(NINE_NY + timedelta(hours=3))
    assert stage.sender.uninstall().status == 200
    stage.slack.wait_for(lambda: scalar(stage, select(Workspace.uninstalled_at)) is not None)
    calls = len(stage.slack.calls)
    for hours in range(6, 24 * 5, 3):  # every job, every three hours, until Saturday
        for name in JOBS:
            stage.run_job(name, NINE_NY + timedelta(hours=hours))
    after = stage.slack.calls[calls:]
    assert after == [], [c.method for c in after]  # the workspace is out of every job's scan
    assert len(prompts(stage)) == 1
    assert count(stage, Answer) == 3  # kept (until the retention period, if any)
