"""Manager-only `/practice` subcommands: each one's service checks the caller first
(`bot/services/managers.py`), so a member is refused before anything is shown or changed."""

from __future__ import annotations

import pytest

from bot.emulator.stage import Stage
from bot.slack.listeners.commands import import_subcommands
from bot.slack.listeners.commands.registry import MANAGER_ONLY
from tests.e2e.conftest import CHANNEL, MEMBERS, Handled

import_subcommands()  # they register themselves on import; the parameters are read now

ANA = MEMBERS[0]
REFUSED = "only this channel's creator and workspace admins can use `/practice {name}`"
# Arguments that would change something if a member were let through.
ARGS = {"scoring": "bias_correction on"}


def test_the_manager_only_subcommands_are_all_listed_here() -> None:
    assert {"setup", "pause", "resume", "now", "scoring", "ideas"} <= MANAGER_ONLY


@pytest.mark.parametrize("name", sorted(MANAGER_ONLY))
def test_a_member_is_refused_every_manager_only_subcommand_and_nothing_happens(
    enrolled: Stage, handled: Handled, name: str
) -> None:
    stage = enrolled
    stage.slack.clear_calls()

    stage.sender.send_command(ANA, CHANNEL, "/practice", f"{name} {ARGS.get(name, '')}".strip())
    said = stage.slack.wait_for(lambda: stage.slack.ephemerals(user=ANA))
    handled(stage)

    assert [e.text for e in said] == [stage.slack.ephemerals(user=ANA)[0].text]
    assert REFUSED.format(name=name) in said[0].text
    assert stage.slack.open_views(ANA) == []
    assert stage.slack.calls_to("chat.postMessage") == []
    assert stage.slack.calls_to("views.open") == []
