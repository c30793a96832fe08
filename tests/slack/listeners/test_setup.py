"""The setup modal's submission: a bad field goes back into the modal in the ack, before the
runtime does anything else (no deferred work, no Slack call)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.content import Library
from bot.runtime import Runtime, bootstrap
from bot.settings import Settings
from bot.slack.listeners.views.setup import on_setup_submitted
from tests.slack.listeners.recorders import Recorder


@pytest.fixture
def runtime(sqlite_url: str, library: Library) -> Iterator[Runtime]:
    settings = Settings(bot_token="xoxb-test", signing_secret="s", database_url=sqlite_url)
    runtime = bootstrap(settings, library=library)
    yield runtime
    runtime.close()


def _submission(timezone: str) -> dict[str, Any]:
    values = {
        "post_time": {"value": {"selected_time": "07:30"}},
        "timezone": {"value": {"value": timezone}},
        "weekdays": {"value": {"selected_options": [{"value": "1"}]}},
        "answer_window_minutes": {"value": {"selected_option": {"value": "120"}}},
        "reviewers_per_answer": {"value": {"selected_option": {"value": "2"}}},
        "content_pack": {"value": {"selected_option": {"value": "pmm"}}},
    }
    return {
        "type": "view_submission",
        "user": {"id": "U1"},
        "team": {"id": "T1"},
        "view": {"private_metadata": "C1", "state": {"values": values}},
    }


def test_a_bad_time_zone_goes_back_into_the_modal(runtime: Runtime) -> None:
    ack = Recorder()
    deferred: list[object] = []
    runtime.defer = lambda work, on_error: deferred.append(work)  # type: ignore[method-assign]
    context = BoltContext({"runtime": runtime, "team_id": "T1"})

    on_setup_submitted(cast(Ack, ack), _submission("Mars/Olympus"), context, WebClient())

    assert len(ack.calls) == 1 and ack.calls[0]["response_action"] == "errors"
    assert "timezone" in ack.calls[0]["errors"]
    assert deferred == []


def test_a_good_setup_is_acked_empty_and_saved_after_the_ack(runtime: Runtime) -> None:
    ack = Recorder()
    deferred: list[object] = []
    runtime.defer = lambda work, on_error: deferred.append(work)  # type: ignore[method-assign]
    context = BoltContext({"runtime": runtime, "team_id": "T1"})

    on_setup_submitted(cast(Ack, ack), _submission("Asia/Tokyo"), context, WebClient())

    assert ack.calls == [{}]  # closes the modal; the check and the save come after
    assert len(deferred) == 1
