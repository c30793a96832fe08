"""Slack's retries, forged requests, racing schedulers and a process killed mid-post."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.emulator.stage import CONTENT_DIR, SIGNING_SECRET, Stage
from bot.emulator.state import DEFAULT_TOKEN
from bot.models import Channel, Delivery, PromptPost
from tests.e2e.conftest import CHANNEL, CREATOR
from tests.e2e.reads import NINE_NY, count, prompts, scalar

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.fault(
    "forged, stale (10 min old) and unsigned requests",
    "answers 401 and stores nothing, calls Slack for nothing",
)
def test_forged_and_stale_signatures_get_401_and_store_nothing(stage: Stage) -> None:
    event = {
        "type": "member_joined_channel",
        "user": "UBOT",
        "channel": CHANNEL,
        "inviter": CREATOR,
    }
    body = json.dumps(stage.sender.envelope(event)).encode()
    forged = stage.sender.send_raw(body, signature="v0=" + "0" * 64)
    stale = stage.sender.send_raw(body, timestamp=str(int(time.time()) - 600))
    unsigned = stage.sender.send_raw(body, sign_request=False)
    # The 401s are the signal: the signature check answers before any listener is dispatched.
    assert (forged.status, stale.status, unsigned.status) == (401, 401, 401)
    assert count(stage, Channel) == 0
    assert count(stage, Delivery) == 0
    assert [c.method for c in stage.slack.calls] == ["auth.test"]  # at start-up only


@pytest.mark.fault(
    "the same event delivered four times (Slack's retries)",
    "processes it once: one welcome, the listener ran once, one delivery key",
)
def test_a_delivery_sent_four_times_is_processed_once(
    stage: Stage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="bot.slack")
    first = stage.sender.invite_bot(CHANNEL, CREATOR)
    assert first.status == 200
    for retry in (1, 2, 3):
        assert stage.sender.resend(first, retry_num=retry).status == 200
    stage.slack.wait_for(lambda: stage.slack.messages(CHANNEL))
    # The positive signal: each of the three retries reached the listener and was turned away.
    stage.slack.wait_for(
        lambda: sum("already processed; ignored" in r.getMessage() for r in caplog.records) >= 3
    )
    assert len(stage.slack.messages(CHANNEL)) == 1
    assert len(stage.slack.calls_to("users.info")) == 1
    assert count(stage, Delivery) == 1


@pytest.mark.fault(
    "two schedulers (processes) firing post-prompt at the same instant",
    "one claim wins: one prompt posted",
)
def test_two_schedulers_firing_at_once_post_once(enrolled: Stage) -> None:
    stage = enrolled
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            stage.run_job("post-prompt", NINE_NY)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(prompts(stage)) == 1
    assert len(stage.slack.calls_to("chat.postMessage")) == 2  # the welcome and one prompt


def _job(stage: Stage, at: datetime) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": DEFAULT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": stage.slack.api_url,
        "DATABASE_URL": stage.database_url,
        "CONTENT_DIR": str(CONTENT_DIR),
        "PYTHONPATH": str(ROOT),
        "LOG_FORMAT": "json",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "job", "post-prompt", "--at", at.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return out


@pytest.mark.parametrize("slack_got_it", [True, False], ids=["slack-posted", "slack-did-not"])
@pytest.mark.fault(
    "`practice-bot job post-prompt` SIGKILLed between its claim and Slack's answer, then run "
    "again (within and after the 5 min claim lease)",
    "within the lease: nothing; after it: the claim is taken over and the day has exactly one "
    "prompt (the one Slack accepted is found by its metadata and adopted, else it is posted)",
)
def test_a_job_killed_between_claim_and_post_posts_exactly_once_after_restart(
    enrolled: Stage, slack_got_it: bool
) -> None:
    stage = enrolled
    if slack_got_it:
        stage.slack.fail_next("chat.postMessage", delay=2.0)  # hangs, then posts
    else:
        stage.slack.fail_next("chat.postMessage", status=500, delay=2.0)  # hangs, then fails
    stage.set_time(NINE_NY)
    process = _job(stage, NINE_NY)
    try:
        stage.slack.wait_for(lambda: count(stage, PromptPost) == 1, timeout=30)
        # The claim is committed; wait until the post reached Slack (it now hangs there).
        stage.slack.wait_for(lambda: stage.slack.faults.pending("chat.postMessage") == 0)
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)
    assert process.returncode == -signal.SIGKILL
    # The hung request finishes on Slack's side: posted, or refused (welcome + this one).
    stage.slack.wait_for(lambda: len(stage.slack.calls_to("chat.postMessage")) == 2, timeout=10)
    assert len(prompts(stage)) == (1 if slack_got_it else 0)
    assert scalar(stage, select(PromptPost.message_ts)) is None

    within = _finish(_job(stage, NINE_NY + timedelta(minutes=2)))
    assert "0 done" in within
    after = _finish(_job(stage, NINE_NY + timedelta(minutes=6)))
    assert "1 done" in after
    (prompt,) = prompts(stage)
    assert scalar(stage, select(PromptPost.message_ts)) == prompt["ts"]
    assert scalar(stage, select(func.count()).select_from(PromptPost)) == 1
    assert _finish(_job(stage, NINE_NY + timedelta(minutes=30))).startswith("post-prompt: 0 done")
    assert len(prompts(stage)) == 1
