"""The setup modal's submission is acked within Slack's 3 seconds, whatever Slack's Web API
does meanwhile: the manager check (`users.info`) runs after the ack."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bot.emulator.stage import Stage
from bot.models import Channel
from tests.e2e.conftest import CHANNEL, CREATOR
from tests.e2e.reads import scalar

SLACKS_DEADLINE = 3.0  # seconds Slack waits for a view_submission's answer


@pytest.mark.timeout(90)
@pytest.mark.fault(
    "HTTP 429 with Retry-After: 5 on users.info while the setup modal is submitted",
    "acks the submission at once (under 3 s), waits out the rate limit after the ack, then "
    "saves the setup and confirms it ephemerally",
)
def test_setup_submission_acks_before_a_rate_limited_users_info(enrolled: Stage) -> None:
    stage = enrolled
    stage.sender.send_command(CREATOR, CHANNEL, "/practice", "setup")
    (modal,) = stage.slack.wait_for(lambda: stage.slack.open_views(CREATOR))
    before = len(stage.slack.calls_to("users.info"))
    # Longer than Slack's 3 s deadline: an ack that waited for it would be too late.
    stage.slack.fail_next("users.info", status=429, retry_after=5)

    started = time.monotonic()
    reply = stage.sender.submit_view(
        CREATOR, modal["id"], {"timezone/value": "Asia/Tokyo", "post_time/value": "07:30"}
    )
    acked_in = time.monotonic() - started

    assert reply.status == 200 and not (reply.json or {}).get("response_action")
    assert acked_in < SLACKS_DEADLINE
    # The check waits out Retry-After (5 s) after the ack, then the setup is saved.
    saved = stage.slack.wait_for(
        lambda: [e for e in stage.slack.ephemerals(user=CREATOR) if e.text.startswith("Saved.")],
        30,
    )
    assert "Asia/Tokyo" in saved[0].text
    assert [c.status for c in stage.slack.calls_to("users.info")[before:]] == [429, 200]
    assert scalar(stage, select(Channel.timezone)) == "Asia/Tokyo"
