"""Logs: one JSON object per line in production, tracebacks included, tokens never."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.emulator.stage import Stage
from bot.emulator.state import DEFAULT_TOKEN
from bot.logs import configure_logging
from bot.slack.render.fallback import SORRY
from tests.e2e.conftest import CHANNEL, CREATOR
from tests.e2e.reads import NINE_NY

TOKENS = [DEFAULT_TOKEN, "xoxp-1234-5678-abcdef", "xapp-1-A0-1-ffff", "xoxe.xoxp-1-abc"]


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """A buffer for configure_logging's handler; the root logger is restored afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield io.StringIO()
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def use(fmt: str, buffer: io.StringIO, level: str = "INFO") -> None:
    configure_logging(fmt, level)
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)


@pytest.mark.fault(
    "a listener failing (Slack refuses views.open) with LOG_FORMAT=json",
    "every log line is one JSON object; the failure is one line with level, logger and the "
    "traceback; the user gets a short apology",
)
def test_listener_errors_are_one_json_line_with_the_traceback(
    enrolled: Stage, log_output: io.StringIO
) -> None:
    stage = enrolled
    buffer = log_output
    use("json", buffer)
    stage.slack.fail_next("views.open", error="internal_error")
    stage.sender.send_command(CREATOR, CHANNEL, "/practice", "setup")
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=CREATOR))
    assert stage.slack.ephemerals(user=CREATOR)[-1].text == SORRY
    stage.run_job("post-prompt", NINE_NY)
    lines = [line for line in buffer.getvalue().splitlines() if line]
    records = [json.loads(line) for line in lines]  # each line parses on its own
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    (failure,) = [r for r in records if r["message"].startswith("listener failed")]
    assert failure["level"] == "error" and failure["logger"] == "bot.slack"
    assert "Traceback" in failure["exception"] and "internal_error" in failure["exception"]
    assert any("posted prompt" in r["message"] for r in records)


@pytest.mark.parametrize("fmt", ["json", "text"])
@pytest.mark.fault(
    "Slack tokens in a log message, its arguments and an exception's text (json and text formats)",
    "masked in every line: only the first 5 characters remain",
)
def test_tokens_never_reach_the_logs(fmt: str, log_output: io.StringIO) -> None:
    buffer = log_output
    use(fmt, buffer)
    log = logging.getLogger("bot.test")
    for token in TOKENS:
        log.warning(f"token in the message: {token}")
        log.warning("token in an argument: %s", token)
        log.warning("token in a dict: %s", {"token": token})
        try:
            raise RuntimeError(f"failed with {token}")
        except RuntimeError:
            log.exception("token in a traceback")
    output = buffer.getvalue()
    assert output.count("redacted") >= 4 * len(TOKENS)
    for token in TOKENS:
        assert token not in output


@pytest.mark.fault(
    "a whole day's work (enrolment, prompt, Slack calls) logged at DEBUG",
    "the bot token appears in no log line and in no message, file or modal sent to Slack",
)
def test_the_token_is_never_logged_or_sent(stage: Stage, log_output: io.StringIO) -> None:
    buffer = log_output
    use("json", buffer, "DEBUG")
    stage.enrol(CHANNEL, inviter=CREATOR)
    stage.run_job("post-prompt", NINE_NY)
    assert DEFAULT_TOKEN not in buffer.getvalue()
    assert "slack_sdk" in buffer.getvalue()  # the client's debug lines were there to check
    for call in stage.slack.calls:
        assert DEFAULT_TOKEN not in json.dumps(call.args, default=str)
