"""Content edits take effect on reload, and old posts survive a prompt's removal."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.content_cli import reload
from bot.db import unit_of_work
from bot.emulator.stage import CONTENT_DIR, Stage
from bot.models import PromptPost
from tests.e2e.conftest import CHANNEL, CREATOR, MEMBERS
from tests.e2e.reads import NINE_NY


@pytest.fixture
def editable(sqlite_url: str, tmp_path: Path) -> Iterator[Stage]:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    with Stage(sqlite_url, migrate=False, content_dir=content) as stage:
        stage.add_member(CREATOR, "cleo", tz="America/New_York")
        for user in MEMBERS:
            stage.add_member(user, user[3:].lower())
        stage.add_channel(CHANNEL, "pmm", creator=CREATOR, members=[CREATOR, *MEMBERS])
        stage.enrol(CHANNEL, inviter=CREATOR)
        yield stage


def test_a_new_prompt_file_is_picked_up_after_reload(editable: Stage) -> None:
    stage = editable
    folder = stage.content_dir / "pmm"
    assert not stage.runtime.reload_content_if_changed()
    text = (
        (folder / "holdout-campaign.yaml")
        .read_text()
        .replace("id: holdout-campaign", "id: holdout-campaign-two")
    )
    (folder / "holdout-campaign-two.yaml").write_text(text)
    assert reload(stage.content_dir) == 0  # `practice-bot content reload`
    assert stage.runtime.reload_content_if_changed()
    pack = stage.runtime.library.pack("pmm")
    assert pack is not None and pack.prompt("holdout-campaign-two") is not None


def test_removing_a_prompt_never_breaks_its_old_post(editable: Stage) -> None:
    stage = editable
    stage.run_job("post-prompt", NINE_NY)
    with unit_of_work(stage.runtime.sessions) as session:
        post = session.scalars(select(PromptPost)).one()
        prompt_id, thread = post.prompt_id, str(post.message_ts)
        strong = post.prompt["strong_answers"]
    for user in MEMBERS[:3]:
        stage.set_time(NINE_NY + timedelta(minutes=10))
        stage.sender.post(user, CHANNEL, f"my answer, {user}", thread_ts=thread)
    stage.slack.wait_for(lambda: len(stage.slack.calls_to("reactions.add")) == 3)

    (stage.content_dir / "pmm" / f"{prompt_id}.yaml").unlink()
    stage.runtime.reload_content_if_changed()
    assert stage.runtime.library.pack("pmm").prompt(prompt_id) is None  # type: ignore[union-attr]

    stage.run_job("assign-reviewers", NINE_NY + timedelta(hours=6, minutes=1))
    stage.run_job("close-reviews", NINE_NY + timedelta(hours=24, minutes=1))
    notes = [m for m in stage.slack.thread(CHANNEL, thread) if "Reviews are closed" in m["text"]]
    assert len(notes) == 1
    assert strong[0] in json.dumps(notes[0]["blocks"])  # from the post's own copy of the prompt
    result = stage.run_job("post-prompt", NINE_NY + timedelta(days=1))
    assert result.done == 1  # the next day still posts, from what the pack now holds
