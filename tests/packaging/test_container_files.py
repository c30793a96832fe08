"""The Dockerfile and compose.yaml use exactly the install and start commands that
test_installed_package.py runs (no container engine here: the image itself is not built)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from tests.packaging.test_installed_package import BUILD_WHEEL, INSTALL_WHEEL, MIGRATE, SERVE

ROOT = Path(__file__).resolve().parents[2]
START = ["sh", "-c", f"practice-bot {MIGRATE} && exec practice-bot {SERVE}"]


def test_dockerfile_installs_the_tested_wheel_and_starts_as_tested() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert " ".join(("python", *BUILD_WHEEL)) in text
    assert (
        " ".join(("python", *INSTALL_WHEEL)) + " --no-cache-dir -c /requirements.lock /wheels/*.whl"
        in text
    )
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert re.search(r"^USER bot$", text, re.M)  # not root
    assert re.search(r"^HEALTHCHECK .*", text, re.M) and "/healthz" in text
    (cmd,) = re.findall(r"^CMD (.*)$", text, re.M)
    assert json.loads(cmd) == START


def test_compose_runs_the_bot_on_postgres_16_with_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"] == "postgres:16"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pgdata" in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["build"] == "."
    assert bot["command"] == START
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://practice:")
    assert "@db:5432/" in bot["environment"]["DATABASE_URL"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])


def test_procfile_releases_and_serves_as_tested() -> None:
    lines = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines())
    assert lines == {"web": f"practice-bot {SERVE}", "release": f"practice-bot {MIGRATE}"}


def test_systemd_unit_migrates_then_serves_the_installed_program() -> None:
    unit = dict(
        line.split("=", 1)
        for line in (ROOT / "docs" / "practice-bot.service").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert unit["ExecStartPre"] == f"/opt/practice-bot/bin/practice-bot {MIGRATE}"
    assert unit["ExecStart"] == f"/opt/practice-bot/bin/practice-bot {SERVE}"
    assert unit["User"] != "root"


def test_members_can_read_what_the_bot_sends_them_by_dm() -> None:
    app_home = yaml.safe_load((ROOT / "manifest.yml").read_text())["features"]["app_home"]
    # The Messages tab on (reviewer briefs, summaries, guides and exports arrive by DM), with a
    # composer: a target interview's daily drill is answered in its DM's thread (the bot reads
    # only those threads; docs/decisions.md).
    assert app_home == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }
