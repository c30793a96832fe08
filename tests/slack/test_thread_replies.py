"""The ack path of a thread reply claims the delivery the message listener would claim."""

from __future__ import annotations

from bot.slack.listeners.events.messages import on_message
from bot.slack.thread_replies import MESSAGE_LISTENER


def test_queued_replies_share_the_message_listeners_delivery_claim() -> None:
    # A retry of a delivery the ack path queued must be ignored by the listener, and the
    # reverse: both derive the claim key from this name.
    assert on_message.__qualname__ == MESSAGE_LISTENER
