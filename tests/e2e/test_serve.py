"""`practice-bot serve` itself: gunicorn with threaded workers, as the Procfile runs it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
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
from sqlalchemy.engine import make_url

from bot.content import load_library
from bot.content.fingerprint import content_fingerprint
from bot.emulator import DEFAULT_TOKEN, SlackEmulator, SlackSender
from bot.server import SharedContent

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
def server(
    sqlite_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, SlackEmulator, subprocess.Popen[bytes]]]:
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
            yield base, slack, process
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


@pytest.fixture
def served(
    server: tuple[str, SlackEmulator, subprocess.Popen[bytes]],
) -> tuple[str, SlackEmulator]:
    base, slack, _process = server
    return base, slack


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


def _children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def _open_files(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed since the listing
            found.add(os.readlink(fd))
    return found


@pytest.mark.parametrize("server", [2], indirect=True)
def test_master_loads_the_shared_code_and_workers_open_the_database(
    server: tuple[str, SlackEmulator, subprocess.Popen[bytes]], sqlite_url: str
) -> None:
    _base, slack, process = server
    database = str(Path(str(make_url(sqlite_url).database)).resolve())
    # The second worker may still be booting when the first answers /healthz.
    workers = slack.wait_for(lambda: len(found := _children(process.pid)) == 2 and found, 10)

    def database_open(pid: int) -> bool:
        return any(path.startswith(database) for path in _open_files(pid))

    # Each worker opens its own connections after the fork (its start-up recovery reads the
    # database in the background) ...
    slack.wait_for(lambda: all(database_open(worker) for worker in workers), timeout=10)
    # ... the master, which forked them, never does; it holds the code they share: the
    # database driver's and the YAML parser's C extensions, loaded by bot/server.py.
    assert not database_open(process.pid)
    loaded = Path(f"/proc/{process.pid}/maps").read_text()
    assert "_sqlite3." in loaded
    assert "yaml/_yaml." in loaded


def test_workers_take_the_masters_packs_unless_the_files_changed_since(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    library = load_library(folder)
    shared = SharedContent(folder, content_fingerprint(folder), library)
    assert shared.current() is library
    pack = next(folder.rglob("*.yaml"))
    os.utime(pack, ns=(pack.stat().st_atime_ns, pack.stat().st_mtime_ns + 10**9))
    assert shared.current() is None
