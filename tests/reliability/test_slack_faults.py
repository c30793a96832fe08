"""Slack failing under the bot: rate limits, server errors, dead connections, `ok: false`."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import select

from bot.emulator.stage import Stage
from bot.models import Channel, PromptPost, Workspace
from bot.slack.gateway import DEAD_TOKEN_ERRORS
from tests.e2e.conftest import CHANNEL, CREATOR, MEMBERS, Handled
from tests.e2e.reads import NINE_NY, count, prompts, scalar


def rate_limit_handler(stage: Stage) -> RateLimitErrorRetryHandler:
    client = stage.runtime.slack.single_client
    assert client is not None
    return next(h for h in client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler))


@pytest.mark.fault(
    "HTTP 429 with Retry-After: 1 on chat.postMessage",
    "waits the Retry-After (slack-sdk handler), retries once, posts the prompt once",
)
def test_429_retry_after_is_honoured_and_the_prompt_posted_once(enrolled: Stage) -> None:
    stage = enrolled
    stage.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    result = stage.run_job("post-prompt", NINE_NY)
    elapsed = time.monotonic() - started
    assert result.done == 1
    assert elapsed >= 1.0
    calls = stage.slack.calls_to("chat.postMessage")[1:]  # after the welcome
    assert [c.status for c in calls] == [429, 200]
    assert len(prompts(stage)) == 1


@pytest.mark.fault(
    "HTTP 500 once, then 503 once, on chat.postMessage",
    "retries with backoff (slack-sdk handler) and posts the prompt once",
)
def test_server_errors_are_retried_with_backoff(enrolled: Stage) -> None:
    stage = enrolled
    stage.slack.fail_next("chat.postMessage", status=500)
    stage.slack.fail_next("chat.postMessage", status=503)
    assert stage.run_job("post-prompt", NINE_NY).done == 1
    calls = stage.slack.calls_to("chat.postMessage")[1:]
    assert [c.status for c in calls] == [500, 503, 200]
    assert len(prompts(stage)) == 1


@pytest.mark.fault(
    "HTTP 500 on every try (retries exhausted)",
    "releases the day's claim, logs a warning, posts on the next tick",
)
def test_persistent_server_errors_leave_the_day_retryable(
    enrolled: Stage, caplog: pytest.LogCaptureFixture
) -> None:
    stage = enrolled
    stage.slack.fail_next("chat.postMessage", status=500, times=3)
    assert stage.run_job("post-prompt", NINE_NY).done == 0
    assert count(stage, PromptPost) == 0
    assert any("will retry" in r.getMessage() for r in caplog.records)
    assert scalar(stage, select(Channel.paused)) is False
    assert stage.run_job("post-prompt", NINE_NY + timedelta(minutes=1)).done == 1
    assert len(prompts(stage)) == 1


@pytest.mark.fault(
    "connection refused (Slack unreachable)",
    "retries the connection, then releases the claim; posts once Slack is back",
)
def test_connection_errors_are_retried_then_released(enrolled: Stage) -> None:
    stage = enrolled
    client = stage.runtime.slack.single_client
    assert client is not None
    real = client.base_url
    client.base_url = "http://127.0.0.1:9/api/"  # the discard port: nothing listens
    try:
        result = stage.run_job("post-prompt", NINE_NY)
    finally:
        client.base_url = real
    assert result.done == 0 and "failed" in result.details[0]
    assert count(stage, PromptPost) == 0
    assert stage.run_job("post-prompt", NINE_NY + timedelta(minutes=1)).done == 1
    assert len(prompts(stage)) == 1


@pytest.mark.parametrize(
    "error",
    ["channel_not_found", "not_in_channel", "is_archived", "account_inactive", "invalid_auth"],
)
@pytest.mark.fault(
    "`ok: false` permanent errors (channel_not_found, not_in_channel, is_archived, "
    "account_inactive, invalid_auth)",
    "pauses the channel with the reason, logs one error line, no retry loop: the next tick "
    "calls Slack for nothing; a dead token (invalid_auth, account_inactive) also stops the "
    "workspace for every job",
)
def test_permanent_errors_pause_the_channel_without_a_retry_loop(
    enrolled: Stage, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    stage = enrolled
    stage.slack.fail_next("chat.postMessage", error=error)
    with caplog.at_level(logging.INFO):
        result = stage.run_job("post-prompt", NINE_NY)
    assert result.done == 0 and "paused" in result.details[0]
    channel = scalar(stage, select(Channel))
    assert channel.paused and channel.paused_reason == f"Slack error: {error}"
    lines = [r for r in caplog.records if "paused" in r.getMessage() and r.levelname == "ERROR"]
    assert len(lines) == 1 and error in lines[0].getMessage()
    before = len(stage.slack.calls)
    for minutes in (1, 2, 3):
        assert stage.run_job("post-prompt", NINE_NY + timedelta(minutes=minutes)).done == 0
    assert len(stage.slack.calls) == before  # nothing more asked of Slack
    assert count(stage, PromptPost) == 0
    # A dead token (not just a lost channel) also takes the workspace out of every job.
    stopped = scalar(stage, select(Workspace.uninstalled_at)) is not None
    assert stopped == (error in DEAD_TOKEN_ERRORS)


@pytest.mark.fault(
    "the bot removed from a channel and Slack's events about it lost: the day's post is "
    "refused (`not_in_channel`), then the bot is invited back",
    "pauses the channel on the refused post, and the invitation resumes it: the next day's "
    "prompt is posted (found by the simulation)",
)
def test_a_bot_invited_back_after_a_refused_post_resumes_the_channel(enrolled: Stage) -> None:
    stage = enrolled
    channel_state = stage.slack.state.channel(CHANNEL)
    with stage.slack.state.lock:
        channel_state.members.discard(stage.sender.team.bot_user_id)  # no events: lost
    assert stage.run_job("post-prompt", NINE_NY).done == 0
    paused = scalar(stage, select(Channel))
    assert paused.paused and paused.paused_reason == "Slack error: not_in_channel"
    stage.sender.invite_bot(CHANNEL, CREATOR)
    stage.slack.wait_for(lambda: not scalar(stage, select(Channel.paused)), timeout=10)
    assert stage.run_job("post-prompt", NINE_NY + timedelta(days=1)).done == 1
    assert len(prompts(stage)) == 1


@pytest.mark.fault(
    "the bot removed from a channel and invited back, then Slack delivers a removal event "
    "again (a retry, or the second of its two removal events handled late)",
    "ignores a join or leave older than the last one applied (Slack's event time): the "
    "channel stays resumed and the next day's prompt is posted (found by CI)",
)
def test_a_removal_delivered_after_the_reinvite_does_not_pause_again(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    stage.sender.remove_bot(CHANNEL, CREATOR)
    stage.slack.wait_for(lambda: scalar(stage, select(Channel.paused)))
    stage.enrol(CHANNEL, inviter=CREATOR)
    handled(stage)
    assert scalar(stage, select(Channel.paused)) is False
    bot = stage.sender.team.bot_user_id
    left = {"type": "member_left_channel", "user": bot, "channel": CHANNEL, "channel_type": "C"}
    sent_before = (stage.now() - timedelta(minutes=1)).timestamp()  # before the re-invite
    stage.sender.send_event(dict(left, event_ts=f"{sent_before:.6f}"), retry_num=1)
    handled(stage)
    assert scalar(stage, select(Channel.paused)) is False
    assert stage.run_job("post-prompt", NINE_NY + timedelta(days=1)).done == 1


@pytest.mark.fault(
    "HTTP 429 asking for 120 s on one channel while others are due",
    "does not wait it out in-line: the other channels post at once, the limited one on a "
    "later tick",
)
def test_a_long_rate_limit_on_one_channel_does_not_hold_up_the_others(stage: Stage) -> None:
    others = ["C0OTHER1", "C0OTHER2"]
    for channel in [CHANNEL, *others]:
        if channel != CHANNEL:
            stage.add_channel(channel, channel.lower(), creator=CREATOR, members=[CREATOR])
        stage.enrol(channel, inviter=CREATOR)
    assert rate_limit_handler(stage).max_retry_count >= 1
    stage.slack.fail_next("chat.postMessage", status=429, retry_after=120)
    started = time.monotonic()
    result = stage.run_job("post-prompt", NINE_NY)
    assert time.monotonic() - started < 10
    assert result.done == 2
    assert [len(prompts(stage, c)) for c in [CHANNEL, *others]] == [0, 1, 1]
    assert stage.run_job("post-prompt", NINE_NY + timedelta(minutes=2)).done == 1
    assert [len(prompts(stage, c)) for c in [CHANNEL, *others]] == [1, 1, 1]


@pytest.mark.fault(
    "Slack's limit of about one message per second per channel, enforced, 12 channels",
    "one prompt per channel per tick by design: no 429, every channel posted once",
)
def test_posting_to_many_channels_respects_the_per_channel_limit(stage: Stage) -> None:
    channels = [f"C0MANY{i:02d}" for i in range(12)]
    for channel in channels:
        stage.add_channel(channel, channel.lower(), creator=CREATOR, members=[CREATOR])
        stage.enrol(channel, inviter=CREATOR)
    stage.slack.enforce_rate_limits(per_channel_per_second=1.0)
    assert stage.run_job("post-prompt", NINE_NY).done == 12
    assert stage.run_job("post-prompt", NINE_NY).done == 0
    assert stage.slack.rate_limited_count == 0
    assert all(len(prompts(stage, c)) == 1 for c in channels)


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.fault(
    "the connection to Slack drops with no answer, before or after chat.postMessage posted",
    "looks for the message by its send id before posting again: the prompt is posted once",
)
def test_a_dropped_connection_never_posts_the_prompt_twice(enrolled: Stage, when: str) -> None:
    stage = enrolled
    stage.slack.fail_next("chat.postMessage", drop=when)
    result = stage.run_job("post-prompt", NINE_NY)
    assert result.done == 1
    assert stage.run_job("post-prompt", NINE_NY + timedelta(minutes=10)).done == 0
    assert len(prompts(stage)) == 1
    post = scalar(stage, select(PromptPost))
    assert post.message_ts == prompts(stage)[0]["ts"]  # the ts of the one Slack shows


@pytest.mark.parametrize("where", ["dm", "thread"])
@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.fault(
    "a Web API call times out on the client (Slack slower than the client's timeout), "
    "before or after Slack posted a DM or a reply in a thread",
    "the message is there once, and the caller gets its ts",
)
def test_a_timed_out_message_is_sent_once(enrolled: Stage, when: str, where: str) -> None:
    stage = enrolled
    stage.overrides["slack_timeout"] = 0.3  # the emulator hangs 0.6 s: the client gives up
    stage.restart()
    client = stage.runtime.slack.client_for(stage.team_id)
    words = "Your review brief for today"
    if where == "dm":
        target: dict[str, str] = {"channel": CREATOR}
    else:
        parent = client.chat_postMessage(channel=CHANNEL, text="A prompt")
        target = {"channel": CHANNEL, "thread_ts": str(parent["ts"])}
    stage.slack.fail_next("chat.postMessage", drop=when, delay=0.6)
    sent = client.chat_postMessage(**target, text=words)
    found = (
        stage.slack.dms(CREATOR)
        if where == "dm"
        else stage.slack.thread(CHANNEL, target["thread_ts"])
    )
    assert [m["ts"] for m in found if m.get("text") == words] == [sent["ts"]]


@pytest.mark.fault(
    "users.info times out once on the client while a member runs `/practice me away`",
    "the read is retried (reads are safe to ask again): the member is away, not told to retry",
)
def test_a_timed_out_read_is_retried_and_the_command_answers(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    stage.overrides["slack_timeout"] = 0.3
    stage.restart()
    stage.slack.fail_next("users.info", drop="before", delay=0.6)
    stage.sender.send_command(MEMBERS[0], CHANNEL, "/practice", "me away 2026-03-10")
    handled(stage)
    said = [e.text for e in stage.slack.ephemerals(user=MEMBERS[0])]
    assert any("away until 2026-03-10" in text for text in said), said
    assert not any("try again" in text for text in said), said
