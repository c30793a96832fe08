"""`GET /metrics` after a day through the emulator: each series counts what happened.

The series live in the process (prometheus-client's default registry) and earlier tests in
the same process count too, so each test reads `/metrics` before and after and compares.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.emulator.stage import Stage
from bot.metrics import record_recovered
from bot.web import serve_ops
from tests.e2e.conftest import CHANNEL, CREATOR, MEMBERS
from tests.e2e.reads import NINE_NY, post_prompt
from tests.e2e.test_reviews import (
    ANSWERS_CLOSE,
    buttons,
    open_modal,
    review_dm,
    rubric_ids,
    scores,
    start_day,
)
from tests.e2e.test_serve import free_port

ANA, BEN, CHI, DEV = MEMBERS

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def read_metrics(stage: Stage) -> Samples:
    reply = stage.get("/metrics")
    assert reply.status == 200
    assert (reply.header("content-type") or "").startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(reply.body)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def settled(stage: Stage, before: Samples, expected: dict[tuple[str, str, str], float]) -> Samples:
    """/metrics once the counts are in: a Web API call is counted after its answer arrives,
    a moment after the emulator has recorded it."""

    def counted() -> Samples | None:
        after = read_metrics(stage)
        done = all(
            grew(before, after, calls, method=method, error=error) >= n
            for (calls, method, error), n in expected.items()
        )
        return after if done else None

    result = stage.slack.wait_for(counted)
    assert result is not None
    return result


def test_metrics_count_prompts_answers_slack_calls_jobs_and_acks(stage: Stage) -> None:
    before = read_metrics(stage)
    stage.enrol(CHANNEL, inviter=CREATOR)  # the welcome is the first chat.postMessage

    thread = post_prompt(stage)
    stage.set_time(NINE_NY + timedelta(minutes=20))
    first = stage.sender.post(ANA, CHANNEL, "Launch in one market first.", thread_ts=thread)
    second = stage.sender.post(BEN, CHANNEL, "Start with creators.", thread_ts=thread)
    stage.sender.post(ANA, CHANNEL, "And a holdout.", thread_ts=thread)  # a follow-up
    stage.slack.wait_for(lambda: stage.slack.reactions(CHANNEL, first))
    stage.slack.wait_for(lambda: stage.slack.reactions(CHANNEL, second))
    calls = "practice_slack_api_calls_total"
    after = settled(
        stage,
        before,
        {(calls, "chat.postMessage", "ok"): 2, (calls, "reactions.add", "ok"): 2},
    )

    assert grew(before, after, "practice_prompts_posted_total") == 1
    assert grew(before, after, "practice_answers_recorded_total", source="live") == 2
    assert grew(before, after, "practice_answers_recorded_total", source="recovered") == 0
    assert grew(before, after, calls, method="chat.postMessage", error="ok") == 2
    assert grew(before, after, calls, method="reactions.add", error="ok") == 2
    assert grew(before, after, "practice_job_runs_total", job="post-prompt", outcome="ok") == 1
    assert grew(before, after, "practice_job_duration_seconds_count", job="post-prompt") == 1
    assert grew(before, after, "practice_job_lag_seconds_count", job="post-prompt") == 1
    assert value(after, "practice_job_last_success_timestamp_seconds", job="post-prompt") > 0
    assert value(after, "practice_prompts_unposted") == 0
    assert value(after, "practice_reply_queue_depth") == 0
    # The invitation and three thread replies: each one signed POST to /slack/events.
    assert grew(before, after, "practice_ack_latency_seconds_count") == 4


def test_socket_modes_listener_serves_health_and_metrics_only(stage: Stage) -> None:
    port = free_port()
    server = serve_ops(stage.runtime, port, host="127.0.0.1")
    try:
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + "/healthz", timeout=5) as reply:
            assert reply.status == 200
        with urllib.request.urlopen(base + "/metrics", timeout=5) as reply:
            assert "practice_ack_latency_seconds_bucket" in reply.read().decode()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/slack/events", timeout=5)
        assert refused.value.code == 404
        refused.value.close()
    finally:
        server.shutdown()
        server.server_close()


def test_metrics_after_a_day_of_reviews_votes_mocks_and_a_rate_limit(enrolled: Stage) -> None:
    stage = enrolled
    before = read_metrics(stage)
    # Slack answers the prompt's post with one 429 (Retry-After 1 s): waited out, then posted.
    stage.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    start_day(stage, MEMBERS)
    stage.run_job("assign-reviewers", ANSWERS_CLOSE)
    stage.set_time(ANSWERS_CLOSE + timedelta(hours=1))
    for user in (ANA, BEN):  # two reviews, one of them submitted twice (a re-submission)
        dm = review_dm(stage, user)
        first = buttons(dm, "review_score")[0]
        modal = open_modal(stage, user, "review_score", dm, first)
        assert stage.sender.submit_view(user, modal["id"], scores(stage, 4)).status == 200
    modal = open_modal(stage, ANA, "review_score", review_dm(stage, ANA), first_of(stage, ANA))
    assert stage.sender.submit_view(ANA, modal["id"], scores(stage, 3)).status == 200
    # Tokyo and Berlin working hours share 08:00-09:00 UTC (a slot); Tokyo and UTC share none.
    stage.sender.send_command(CHI, CHANNEL, "/mock", "any time")
    stage.sender.send_command(BEN, CHANNEL, "/mock", "any time")
    stage.slack.wait_for(lambda: stage.slack.calls_to("conversations.open"), timeout=10)
    stage.run_job("close-reviews", NINE_NY + timedelta(hours=24))
    after = settled(stage, before, {})

    criteria = len(rubric_ids(stage))
    assert grew(before, after, "practice_prompts_posted_total") == 1
    assert grew(before, after, "practice_answers_recorded_total", source="live") == 4
    assert grew(before, after, "practice_reviews_completed_total") == 2
    assert grew(before, after, "practice_votes_total") == 3 * criteria
    assert grew(before, after, "practice_mock_matches_total") == 1
    assert grew(before, after, "practice_slack_rate_limited_total", method="chat.postMessage") == 1
    assert grew(before, after, "practice_slack_rate_limit_wait_seconds_total") >= 1
    for job in ("post-prompt", "assign-reviewers", "close-reviews"):
        assert grew(before, after, "practice_job_runs_total", job=job, outcome="ok") == 1
    assert (
        grew(before, after, "practice_job_runs_total", job="close-reviews", outcome="failed") == 0
    )


def first_of(stage: Stage, user: str) -> str:
    return buttons(review_dm(stage, user), "review_score")[0]


def test_recovered_answers_are_counted_apart_from_live_ones(stage: Stage) -> None:
    before = read_metrics(stage)
    record_recovered(2)
    after = read_metrics(stage)
    assert grew(before, after, "practice_answers_recorded_total", source="recovered") == 2
    assert grew(before, after, "practice_answers_recorded_total", source="live") == 0
