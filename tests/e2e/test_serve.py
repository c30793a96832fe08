"""`practice-bot serve` itself: gunicorn with threaded workers, as the Procfile runs it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.emulator import DEFAULT_TOKEN, SlackEmulator, SlackSender

ROOT = Path(__file__).resolve().parents[2]
SECRET = "serve-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # still starting
            time.sleep(0.1)
    raise AssertionError("serve did not become healthy")


@pytest.fixture
def served(
    sqlite_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, SlackEmulator]]:
    with SlackEmulator() as slack:
        slack.state.add_user("U1", "ana", tz="Europe/Berlin", is_admin=True)
        slack.state.add_channel("C1", "practice", creator="U1", members=["U1"])
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
            "SLACK_BOT_TOKEN": DEFAULT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": sqlite_url,
            "CONTENT_DIR": str(ROOT / "content"),
            "PORT": str(port),
            "SCHEDULER": "off",
            "WEB_CONCURRENCY": str(getattr(request, "param", 1)),
            "PYTHONPATH": str(ROOT),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base, process)
            yield base, slack
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
                assert process.stderr is not None
                process.stderr.close()


def test_serve_answers_health_commands_and_events(served: tuple[str, SlackEmulator]) -> None:
    base, slack = served
    with urllib.request.urlopen(base + "/healthz", timeout=5) as reply:
        assert json.load(reply) == {"ok": True}
    sender = SlackSender(base + "/slack/events", SECRET, slack)
    help_reply = sender.send_command("U1", "C1", "/practice", "help")
    assert help_reply.status == 200
    slack.wait_for(lambda: slack.ephemerals(user="U1"), timeout=10)
    assert "/practice setup" in slack.ephemerals(user="U1")[0].text
    sender.invite_bot("C1", "U1")
    welcome = slack.wait_for(lambda: slack.messages("C1"), timeout=10)
    assert "Europe/Berlin" in json.dumps(welcome[-1]["blocks"])


def test_serve_refuses_unsigned_requests(served: tuple[str, SlackEmulator]) -> None:
    base, slack = served
    sender = SlackSender(base + "/slack/events", "not-the-secret", slack)
    assert sender.send_command("U1", "C1", "/practice", "now").status == 401
    assert slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("served", [2], indirect=True)
def test_metrics_add_up_every_gunicorn_worker(served: tuple[str, SlackEmulator]) -> None:
    base, slack = served
    sender = SlackSender(base + "/slack/events", SECRET, slack)
    for _ in range(6):  # with two workers, some land on each
        assert sender.send_command("U1", "C1", "/practice", "help").status == 200
    slack.wait_for(lambda: len(slack.ephemerals(user="U1")) == 6, timeout=10)
    sender.invite_bot("C1", "U1")
    slack.wait_for(lambda: slack.messages("C1"), timeout=10)
    welcome = ("practice_slack_api_calls_total", (("error", "ok"), ("method", "chat.postMessage")))

    def scraped() -> dict[tuple[str, tuple[tuple[str, str], ...]], float] | None:
        with urllib.request.urlopen(base + "/metrics", timeout=5) as reply:
            text = reply.read().decode()
        samples = {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
        }
        # A call is counted once its answer is back, a moment after the emulator saw it.
        return samples if welcome in samples else None

    samples = slack.wait_for(scraped, timeout=10)
    assert samples[("practice_ack_latency_seconds_count", ())] == 7
    assert samples[welcome] == 1
