"""Bad input: malformed payloads, oversize text, unknown and stale buttons, incomplete modals.

Each gets a 200 (or Slack's error shape) with a clear message where a person is waiting, at
most a log line, and the database unchanged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.emulator.stage import Stage
from bot.models import Answer, ThreadMessage
from bot.practice.answers import MAX_ANSWER_CHARS
from bot.slack.render.fallback import STALE_BUTTON
from bot.slack.render.review import CHALLENGE_ACTION
from bot.slack.render.setup import CALLBACK_ID as SETUP_CALLBACK
from tests.e2e.conftest import CHANNEL, CREATOR, MEMBERS, Handled
from tests.e2e.reads import post_prompt, scalar
from tests.reliability.helpers import snapshot

ANA, BEN, CHI, DEV = MEMBERS


MALFORMED_EVENTS: list[tuple[str, dict[str, Any]]] = [
    (
        "reply without a user",
        {
            "type": "message",
            "channel": CHANNEL,
            "text": "hi",
            "ts": "1772460100.000001",
            "thread_ts": "THREAD",
        },
    ),
    (
        "reply with a list as user",
        {
            "type": "message",
            "channel": CHANNEL,
            "user": ["U1"],
            "text": "hi",
            "ts": "1772460100.000002",
            "thread_ts": "THREAD",
        },
    ),
    (
        "reply with a bad ts",
        {
            "type": "message",
            "channel": CHANNEL,
            "user": ANA,
            "text": "hi",
            "ts": "yesterday",
            "thread_ts": "THREAD",
        },
    ),
    (
        "reply with a dict as text",
        {
            "type": "message",
            "channel": CHANNEL,
            "user": ANA,
            "text": {"a": 1},
            "ts": "1772460100.000003",
            "thread_ts": "not-a-ts",
        },
    ),
    (
        "edit whose message is a string",
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": CHANNEL,
            "message": "oops",
            "ts": "1772460100.000004",
        },
    ),
    (
        "edit whose message ts is a number",
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": CHANNEL,
            "ts": "1772460100.000005",
            "message": {
                "user": ANA,
                "text": "x",
                "ts": 1772460100.000001,
                "thread_ts": "THREAD",
                "edited": "now",
            },
        },
    ),
    (
        "delete without previous message",
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": CHANNEL,
            "deleted_ts": 5,
            "previous_message": [],
        },
    ),
    ("the bot joining with no channel", {"type": "member_joined_channel", "user": "UBOT"}),
    ("the bot leaving with no channel", {"type": "channel_left"}),
]


@pytest.mark.fault(
    "malformed events: missing user/channel/ts, wrong types (list user, dict text, string "
    "`message`), non-ts timestamps",
    "answers 200, stores nothing, calls Slack for nothing, raises nothing",
)
@pytest.mark.both_stacks
def test_malformed_events_change_nothing(
    enrolled: Stage, caplog: pytest.LogCaptureFixture, handled: Handled
) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    before, calls = snapshot(stage), len(stage.slack.calls)
    with caplog.at_level(logging.INFO):
        for _name, event in MALFORMED_EVENTS:
            event = json.loads(json.dumps(event).replace('"THREAD"', json.dumps(thread)))
            assert stage.sender.send_event(event).status == 200
        handled(stage)  # every listener has run: now it must have changed nothing
    assert snapshot(stage) == before
    assert len(stage.slack.calls) == calls
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.fault(
    "a body that is not JSON / not a form, signed correctly",
    "answers 4xx or 200 without crashing; stores nothing",
)
@pytest.mark.both_stacks
def test_garbage_bodies_are_refused(enrolled: Stage, handled: Handled) -> None:
    stage = enrolled
    before = snapshot(stage)
    for body, kind in [
        (b"{not json", "application/json"),
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        (json.dumps({"type": "event_callback", "event": "a string"}).encode(), "application/json"),
        (json.dumps([1, 2, 3]).encode(), "application/json"),
    ]:
        reply = stage.sender.send_raw(body, kind)
        assert reply.status < 500, (body, reply.status, reply.body_text)
    handled(stage)
    assert snapshot(stage) == before


@pytest.mark.fault(
    f"an answer of 50,000 characters (Slack's own limit is {MAX_ANSWER_CHARS:,})",
    f"stores it cut to {MAX_ANSWER_CHARS:,} characters; the answer counts",
)
def test_oversize_answer_is_cut(enrolled: Stage) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    stage.sender.post(ANA, CHANNEL, "x" * 50_000, thread_ts=thread)
    stage.slack.wait_for(lambda: scalar(stage, select(Answer)) is not None)
    assert len(scalar(stage, select(Answer.text))) == MAX_ANSWER_CHARS
    assert len(scalar(stage, select(ThreadMessage.text))) == MAX_ANSWER_CHARS


@pytest.mark.fault(
    "`/practice` with 5,000 characters of text, and a command without user or channel id",
    "refuses with a clear ephemeral message; nothing changes",
)
def test_oversize_and_incomplete_commands_are_refused(enrolled: Stage, handled: Handled) -> None:
    stage = enrolled
    before = snapshot(stage)
    reply = stage.sender.send_command(CREATOR, CHANNEL, "/practice", "pause " + "x" * 5000)
    assert reply.status == 200 and "too long" in reply.body_text
    body = "command=%2Fpractice&text=pause&team_id=T0001&response_url=&trigger_id=1"
    reply = stage.sender.send_raw(body.encode(), "application/x-www-form-urlencoded")
    assert reply.status == 200 and "did not say who" in reply.body_text
    handled(stage)
    assert snapshot(stage) == before


def post_button(stage: Stage, user: str, action_id: str, value: str) -> dict[str, Any]:
    """A DM from the bot with one button, as an old message or another version would have."""
    client = stage.runtime.slack.single_client
    assert client is not None
    dm = client.conversations_open(users=user)["channel"]["id"]
    client.chat_postMessage(
        channel=dm,
        text="old message",
        blocks=[
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "value": value,
                        "text": {"type": "plain_text", "text": "Go"},
                    }
                ],
            }
        ],
    )
    return stage.slack.dms(user)[-1]


@pytest.mark.fault(
    "a click on a button whose action_id the bot does not know (an old message, a removed feature)",
    "acks, tells the clicker the button is no longer valid, logs one line, changes nothing",
)
@pytest.mark.both_stacks
def test_unknown_action_gets_a_clear_message(
    enrolled: Stage, caplog: pytest.LogCaptureFixture
) -> None:
    stage = enrolled
    message = post_button(stage, ANA, "feature_from_2025", "1")
    before = snapshot(stage)
    with caplog.at_level(logging.INFO, logger="bot.slack.listeners.fallback"):
        reply = stage.sender.click(ANA, action_id="feature_from_2025", message=message)
        assert reply.status == 200
        stage.slack.wait_for(lambda: stage.slack.ephemerals(user=ANA))
    assert stage.slack.ephemerals(user=ANA)[-1].text == STALE_BUTTON
    assert len([r for r in caplog.records if r.name == "bot.slack.listeners.fallback"]) == 1
    assert snapshot(stage) == before


@pytest.mark.fault(
    "a stale review button (its assignment no longer exists) and one with a malformed value",
    'refuses ephemerally ("no longer exists" / "no longer works"), opens no modal, changes nothing',
)
def test_stale_review_buttons_are_refused(enrolled: Stage) -> None:
    stage = enrolled
    before = snapshot(stage)
    for value in ("424242", "DROP TABLE"):
        message = post_button(stage, BEN, CHALLENGE_ACTION, value)
        assert stage.sender.click(BEN, action_id=CHALLENGE_ACTION, message=message).status == 200
    stage.slack.wait_for(lambda: len(stage.slack.ephemerals(user=BEN)) == 2)
    texts = [e.text for e in stage.slack.ephemerals(user=BEN)]
    # The two clicks are handled concurrently after their acks: either refusal may come first.
    assert sorted("exists" if "no longer exists" in t else "works" for t in texts) == [
        "exists",
        "works",
    ]
    assert stage.slack.open_views(BEN) == []
    assert snapshot(stage) == before


def view_submission(callback_id: str, user: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "emulated"},
        "user": {"id": user, "username": user, "name": user, "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "trigger_id": "1.2.3",
        "view": {
            "id": "VSTALE",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": CHANNEL,
            "state": {"values": values},
            "hash": "1",
        },
    }


@pytest.mark.fault(
    "a setup modal submitted with every field missing, and a modal the bot does not know",
    'field errors back in the modal / a "no longer valid" modal; nothing saved',
)
def test_modal_submissions_with_missing_fields_change_nothing(
    enrolled: Stage, handled: Handled
) -> None:
    stage = enrolled
    before = snapshot(stage)
    reply = stage.sender.send_interaction(view_submission(SETUP_CALLBACK, CREATOR, {}))
    assert reply.status == 200 and reply.json["response_action"] == "errors"
    assert any("fill" in e or "pick" in e or "choose" in e for e in reply.json["errors"].values())
    reply = stage.sender.send_interaction(view_submission("old_modal_v1", CREATOR, {}))
    assert reply.status == 200 and reply.json["response_action"] == "update"
    assert "no longer valid" in json.dumps(reply.json["view"])
    handled(stage)
    assert snapshot(stage) == before


@pytest.mark.fault(
    "the bot's own message in a prompt's thread (as its user, and as a bot message)",
    "never answers or counts it: no answer stored, no reaction, no reply",
)
def test_the_bot_never_answers_its_own_messages(enrolled: Stage, handled: Handled) -> None:
    stage = enrolled
    thread = post_prompt(stage)
    calls = len(stage.slack.calls)
    stage.sender.send_event(
        {
            "type": "message",
            "channel": CHANNEL,
            "user": "UBOT",
            "text": "my own words",
            "ts": stage.slack.state.next_ts(),
            "thread_ts": thread,
            "channel_type": "channel",
        }
    )
    stage.sender.bot_message(CHANNEL, "a bot's words", thread_ts=thread)
    handled(stage)
    assert scalar(stage, select(ThreadMessage)) is None
    assert [c.method for c in stage.slack.calls[calls:]] in ([], ["chat.postMessage"])
