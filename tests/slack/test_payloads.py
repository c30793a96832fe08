"""Payload readers never raise on a malformed body: they give empty values to refuse."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack.payloads import Interaction, is_ts, thread_of


def test_an_action_payload_is_read_into_its_fields() -> None:
    body = {
        "user": {"id": "U1"},
        "team": {"id": "T1"},
        "trigger_id": "1.2.abc",
        "response_url": "https://hooks.slack.test/1",
        "actions": [{"action_id": "score", "value": "42"}],
        "view": {"id": "V1", "type": "home", "private_metadata": "7"},
    }
    seen = Interaction.of(body)
    assert (seen.user_id, seen.team_id, seen.trigger_id) == ("U1", "T1", "1.2.abc")
    assert (seen.action_id, seen.value, seen.view_id) == ("score", "42", "V1")
    assert seen.from_home and seen.private_metadata == "7"


def test_a_select_menus_choice_is_its_value() -> None:
    body = {"actions": [{"action_id": "pick", "selected_option": {"value": "b"}}]}
    assert Interaction.of(body).value == "b"


def test_bolts_team_id_wins_over_the_bodys() -> None:
    assert Interaction.of({"team": {"id": "E1"}}, "T9").team_id == "T9"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user": "U1", "actions": "click", "view": []},
        {"user": {"id": 5}, "actions": [None], "team": None, "trigger_id": 3},
        {"view": {"state": {"values": []}}},
    ],
)
def test_a_malformed_payload_reads_as_empty_values(body: dict[str, Any]) -> None:
    seen = Interaction.of(body)
    assert (seen.user_id, seen.team_id, seen.action_id, seen.value) == ("", "", "", "")
    assert seen.values() == {}


def test_timestamps_and_threads() -> None:
    assert is_ts("1700000000.000100") and not is_ts("1700000000") and not is_ts(1.5)
    assert thread_of({"ts": "2.000001", "thread_ts": "1.000001"}) == "1.000001"
    assert thread_of({"ts": "1.000001", "thread_ts": "1.000001"}) is None
