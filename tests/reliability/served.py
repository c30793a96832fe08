"""`practice-bot serve` as a real process against the emulator: started, killed, restarted.

For the recovery tests: the bot is the real gunicorn server (its own process, its own reply
writer and start-up recovery), jobs are the real `practice-bot job` command, and the
database is the test's SQLite file or PostgreSQL database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from bot.db import make_engine
from bot.emulator import DEFAULT_TOKEN, SlackEmulator, SlackSender
from tests.e2e.test_serve import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
SECRET = "recovery-test-secret"
ADMIN = "U0ADMIN"
CHANNEL = "C0PRACTICE"


class Served:
    def __init__(self, slack: SlackEmulator, database_url: str, workdir: Path) -> None:
        self.slack = slack
        self.database_url = database_url
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.sender = SlackSender(self.base + "/slack/events", SECRET, slack)
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "serve.log"

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
            "SLACK_BOT_TOKEN": DEFAULT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "DATABASE_URL": self.database_url,
            "CONTENT_DIR": str(ROOT / "content"),
            "PORT": str(self.port),
            "SCHEDULER": "off",  # jobs run as `practice-bot job`, at the times the test picks
            "WEB_CONCURRENCY": "1",
            "PYTHONPATH": str(ROOT),
        }

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve"],
                env=self.env(),
                cwd=self.workdir,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        wait_healthy(self.base, self.process)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        assert self.process is not None
        process, self.process = self.process, None
        process.send_signal(sig)  # gunicorn's arbiter passes SIGTERM on to its worker
        try:
            return process.wait(timeout=timeout)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    def kill_all(self) -> None:
        """SIGKILL the arbiter and its worker at once: nothing runs its exit hooks."""
        assert self.process is not None
        pid = self.process.pid
        children = _children(pid)
        for child in [pid, *children]:
            with suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def job(self, name: str, at: datetime) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "job", name, "--at", at.isoformat()],
            env=self.env(),
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def close(self) -> None:
        if self.process is not None:
            self.stop()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


@contextmanager
def writes_blocked(database_url: str) -> Iterator[Connection]:
    """Hold the database so the bot's reply writer cannot commit (its replies stay queued).

    SQLite: a write transaction (BEGIN IMMEDIATE) on the file. PostgreSQL: thread_messages
    locked against writes. Released when the block ends.
    """
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            connection.begin()
            if engine.dialect.name == "postgresql":
                connection.execute(text("LOCK TABLE thread_messages IN EXCLUSIVE MODE"))
            yield connection
            connection.rollback()
    finally:
        engine.dispose()


def workspace(slack: SlackEmulator, members: list[str]) -> None:
    slack.state.add_user(ADMIN, "admin", tz="UTC", is_admin=True)
    for user in members:
        slack.state.add_user(user, user.lower(), tz="UTC")
    slack.state.add_channel(CHANNEL, "practice", creator=ADMIN, members=[ADMIN, *members])


def prompt_of(slack: SlackEmulator) -> dict[str, Any]:
    def found() -> list[dict[str, Any]]:
        return [
            m
            for m in slack.messages(CHANNEL)
            if any(b.get("type") == "header" for b in m.get("blocks") or [])
        ]

    return slack.wait_for(found, timeout=30)[0]
