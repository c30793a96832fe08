"""Start-up: a missing or malformed setting stops with one line naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def settings_from(**env: str):  # type: ignore[no-untyped-def]
    return load_settings({"CONTENT_DIR": str(ROOT / "content"), **env}, dotenv=None)


def test_defaults_are_sqlite_and_slack() -> None:
    settings = settings_from()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000 and not settings.oauth


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-wrong-kind"}, "SLACK_APP_TOKEN"),
        ({"SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET"),
        ({"CONTENT_DIR": "/nowhere/at/all"}, "CONTENT_DIR"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_malformed_setting_is_named(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from(**env)
    message = str(caught.value)
    assert message.startswith(named) and "\n" not in message


def test_postgres_urls_get_the_psycopg_driver() -> None:
    settings = settings_from(DATABASE_URL="postgres://u@db/practice")
    assert settings.database_url == "postgresql+psycopg://u@db/practice"


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\n")
    settings = load_settings({"CONTENT_DIR": str(ROOT / "content"), "PORT": "5000"}, dotenv=dotenv)
    assert settings.bot_token == "xoxb-from-file" and settings.port == 5000


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_without_tokens_says_what_is_missing_and_points_to_the_demo(tmp_path: Path) -> None:
    done = run_cli(
        "serve",
        env={"CONTENT_DIR": str(ROOT / "content"), "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"},
        cwd=tmp_path,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and "SLACK_SIGNING_SECRET" in lines[0] and "practice-bot demo" in lines[0]
    )


def test_malformed_setting_stops_the_cli_with_one_line(tmp_path: Path) -> None:
    done = run_cli(
        "migrate", env={"PORT": "-1", "CONTENT_DIR": str(ROOT / "content")}, cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "practice-bot: PORT is malformed: '-1' is not a port number"
    ]


def test_content_check_passes_on_the_shipped_packs(tmp_path: Path) -> None:
    done = run_cli("content", "check", str(ROOT / "content"), env={}, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pmm:" in done.stdout and "product-sense:" in done.stdout


def test_socket_mode_without_app_token_says_so(tmp_path: Path) -> None:
    done = run_cli(
        "socket",
        env={"CONTENT_DIR": str(ROOT / "content"), "SLACK_BOT_TOKEN": "xoxb-1"},
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "SLACK_APP_TOKEN is not set" in done.stderr and len(done.stderr.splitlines()) == 1


def test_mock_expiry_hours_is_read_and_checked() -> None:
    from datetime import timedelta

    assert settings_from().mock_expiry is None  # bot.practice.mocks.queue.MOCK_EXPIRY applies
    assert settings_from(MOCK_EXPIRY_HOURS="12").mock_expiry == timedelta(hours=12)
    for bad in ("0", "two", "1000"):
        with pytest.raises(SettingsError, match=r"^MOCK_EXPIRY_HOURS"):
            settings_from(MOCK_EXPIRY_HOURS=bad)


def test_version_is_the_installed_packages(tmp_path: Path) -> None:
    from importlib.metadata import version

    done = run_cli("--version", env={}, cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"practice-bot {version('practice-bot')}"


def test_mock_slot_minutes_is_read_and_checked() -> None:
    from datetime import timedelta

    assert settings_from().mock_slot is None  # bot.practice.mocks.availability.MIN_SLOT applies
    assert settings_from(MOCK_SLOT_MINUTES="60").mock_slot == timedelta(minutes=60)
    for bad in ("0", "an hour", "600"):
        with pytest.raises(SettingsError, match=r"^MOCK_SLOT_MINUTES"):
            settings_from(MOCK_SLOT_MINUTES=bad)


def test_metrics_token_and_the_per_member_limit_are_read_and_checked() -> None:
    assert settings_from().metrics_token is None
    assert settings_from(METRICS_TOKEN=" abc ").metrics_token == "abc"
    assert settings_from().user_rate_limit == 30
    assert settings_from(USER_RATE_LIMIT="0").user_rate_limit == 0  # off
    for bad in ("-1", "many", "100000"):
        with pytest.raises(SettingsError, match=r"^USER_RATE_LIMIT"):
            settings_from(USER_RATE_LIMIT=bad)


def test_socket_mode_with_a_revoked_token_says_so_in_one_line(tmp_path: Path) -> None:
    from bot.emulator.server import SlackEmulator

    slack = SlackEmulator()
    slack.start()
    try:  # a token the emulator does not know: auth.test answers invalid_auth
        done = run_cli(
            "socket",
            env={
                "CONTENT_DIR": str(ROOT / "content"),
                "SLACK_BOT_TOKEN": "xoxb-revoked",
                "SLACK_APP_TOKEN": "xapp-1",
                "SLACK_API_URL": slack.api_url,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'practice.db'}",
            },
            cwd=tmp_path,
        )
    finally:
        slack.stop()
    assert done.returncode == 2, done.stderr
    # The migration's log lines come first; the refusal is one line, with no traceback.
    assert "Slack refused SLACK_BOT_TOKEN" in done.stderr.splitlines()[-1]
    assert "Traceback" not in done.stderr
