"""The package as users install it: a wheel in a fresh virtualenv, run from an empty folder.

`pip install .` is what a buildpack, a container image (Dockerfile) or pipx does; none of
them has the repository next to the program. So: build the wheel, install it in a virtualenv
outside the repository (once per test session; pip's own cache keeps it quick), and from an
empty temporary folder, with no CONTENT_DIR and no PYTHONPATH, run `migrate`, `content check`,
`serve` until `/healthz` answers (and enrol a channel through it), then `job post-prompt`
against the emulator, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
import venv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import make_engine
from bot.emulator import DEFAULT_TOKEN, SlackEmulator, SlackSender
from tests.conftest import POSTGRES_SERVER
from tests.e2e.test_serve import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
SECRET = "installed-test-secret"
# How the wheel is built and installed, and the two start steps: the Dockerfile, compose.yaml,
# the Procfile and docs/practice-bot.service use exactly these (test_container_files.py).
# The sdist first, then the wheel from the unpacked sdist (build's default): what is released,
# and immune to a stale build/ folder in the checkout.
BUILD_WHEEL = ("-m", "build", "--outdir")
INSTALL_WHEEL = ("-m", "pip", "install")
MIGRATE = "migrate"
SERVE = "serve"
# Building and installing (the first test) takes minutes on a loaded 2-core machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `practice-bot` program of a fresh virtualenv with the built wheel installed."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, *BUILD_WHEEL, str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("practice_bot-*.whl")
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    subprocess.run(
        [str(env_dir / "bin" / "python"), *INSTALL_WHEEL, "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir / "bin" / "practice-bot"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (never migrated), named as an operator would write its URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    name = f"practice_installed_{uuid.uuid4().hex[:10]}"
    admin = make_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable while switched on: fail, never skip
        admin.dispose()
        pytest.fail(f"PostgreSQL tests are on but the server is unreachable: {exc}")
    yield f"{POSTGRES_SERVER.replace('postgresql+psycopg://', 'postgresql://')}/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def next_weekday_noon() -> datetime:
    day = datetime.now(UTC).date() + timedelta(days=1)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def run(program: Path, args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [str(program), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"practice-bot {' '.join(args)}: {done.stderr[-2000:]}"
    return done.stdout


def test_installed_package_migrates_serves_and_posts_from_an_empty_folder(
    installed: Path, empty_database: str, tmp_path: Path
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    with SlackEmulator() as slack:
        slack.state.add_user("U1", "ana", tz="UTC", is_admin=True)
        slack.state.add_channel("C1", "practice", creator="U1", members=["U1"])
        port = free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "DATABASE_URL": empty_database,
            "SLACK_BOT_TOKEN": DEFAULT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "PORT": str(port),
            "SCHEDULER": "off",
            "WEB_CONCURRENCY": "1",
        }
        assert "latest schema" in run(installed, [MIGRATE], env, folder)
        assert "pmm" in run(installed, ["content", "check"], env, folder)

        server = subprocess.Popen(
            [str(installed), SERVE],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base, server)
            SlackSender(base + "/slack/events", SECRET, slack).invite_bot("C1", "U1")
            slack.wait_for(lambda: slack.messages("C1"), timeout=20)  # the welcome
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)

        at = next_weekday_noon().isoformat()
        summary = run(installed, ["job", "post-prompt", "--at", at], env, folder)
        assert "post-prompt: 1 done" in summary
        (prompt,) = [m for m in slack.messages("C1") if "Practice prompt" in str(m["blocks"])]
        assert prompt["ts"]
    assert list(folder.iterdir()) == []  # nothing written to the working directory
