"""Stale or unknown buttons and modals are acked and explained, never an error in Slack."""

from __future__ import annotations

from typing import cast

from slack_bolt import Ack, Respond

from bot.slack.listeners.fallback import on_unknown_action, on_unknown_view
from bot.slack.render.fallback import STALE_BUTTON
from tests.slack.listeners.recorders import Recorder


def test_a_stale_button_is_acked_and_the_clicker_told() -> None:
    ack, respond = Recorder(), Recorder()
    body = {"user": {"id": "U1"}, "actions": [{"action_id": "gone"}], "response_url": "https://x"}
    on_unknown_action(cast(Ack, ack), body, cast(Respond, respond))
    assert ack.calls == [{}]
    assert respond.calls[0]["text"] == STALE_BUTTON
    assert respond.calls[0]["response_type"] == "ephemeral"


def test_a_stale_button_in_the_app_home_is_only_acked() -> None:
    ack, respond = Recorder(), Recorder()
    on_unknown_action(cast(Ack, ack), {"actions": "malformed"}, cast(Respond, respond))
    assert ack.calls == [{}] and respond.calls == []


def test_an_unknown_modal_is_replaced_by_a_notice() -> None:
    ack = Recorder()
    on_unknown_view(cast(Ack, ack), {"view": {"callback_id": "old"}})
    assert ack.calls[0]["response_action"] == "update"
