"""`/practice help` is made from the command registry: every subcommand is in it."""

from __future__ import annotations

from bot.emulator.stage import Stage
from bot.jobs import DAILY_ORDER, load_jobs
from bot.slack.listeners.commands.registry import SUBCOMMANDS
from tests.e2e.conftest import CHANNEL, MEMBERS


def test_help_lists_every_subcommand_and_mock(enrolled: Stage) -> None:
    user = MEMBERS[0]
    enrolled.sender.send_command(user, CHANNEL, "/practice", "help")
    (note,) = enrolled.slack.wait_for(lambda: enrolled.slack.ephemerals(user=user))
    assert note.text.startswith("*Practice bot* commands")
    for name in SUBCOMMANDS:
        if name:
            assert f"`/practice {name}" in note.text, name
    for word in ("status", "cancel", "stats"):
        assert f"`/mock {word}`" in note.text
    assert "_* channel creator and workspace admins only_" in note.text


def test_every_job_has_its_place_in_the_day() -> None:
    assert list(load_jobs()) != [] and set(load_jobs()) == set(DAILY_ORDER)
