"""The message listener's reading of edits and deletions (the recording is the service's)."""

from __future__ import annotations

from bot.services.threads import ThreadChange
from bot.slack.listeners.events.messages import _deletion, _edit


def test_an_edit_in_a_thread_is_read_with_its_edit_time() -> None:
    event = {
        "subtype": "message_changed",
        "channel": "C1",
        "message": {
            "user": "U1",
            "ts": "1700000002.000100",
            "thread_ts": "1700000001.000100",
            "text": "better answer",
            "edited": {"ts": "1700000009.000000"},
        },
    }
    assert _edit(event, "T1") == ThreadChange(
        "T1", "C1", "1700000001.000100", "1700000002.000100", "U1", "better answer",
        "1700000009.000000",
    )  # fmt: skip


def test_an_edit_outside_a_thread_or_by_a_bot_is_ignored() -> None:
    top = {"message": {"user": "U1", "ts": "1700000002.000100", "text": "x"}}
    bot = {"message": {"bot_id": "B1", "ts": "2.000001", "thread_ts": "1.000001", "user": "U1"}}
    assert _edit(top, "T1") is None and _edit(bot, "T1") is None


def test_a_deletion_is_read_from_the_previous_message() -> None:
    event = {
        "channel": "C1",
        "deleted_ts": "1700000002.000100",
        "previous_message": {"user": "U1", "thread_ts": "1700000001.000100"},
    }
    change = _deletion(event, "T1")
    assert change is not None and (change.ts, change.user_id, change.edit_ts) == (
        "1700000002.000100",
        "U1",
        None,
    )


def test_a_malformed_deletion_is_ignored() -> None:
    assert _deletion({"deleted_ts": "soon", "previous_message": "gone"}, "T1") is None
