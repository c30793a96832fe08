"""Event deliveries claimed by the listener, in the transaction that records the event."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.practice.deliveries import claim_delivery
from bot.runtime import Runtime

log = logging.getLogger("bot.slack")


class DeliveryClaim:
    """The claim of one event delivery, for a listener that takes it in its own transaction.

    `take(session)` inserts the delivery key in the caller's session: it commits (or rolls
    back) with what the listener records, so a reply costs one transaction, and a repeat's
    claim conflicts and the repeat records nothing. Without an event id it always succeeds.
    """

    def __init__(self, runtime: Runtime, key: str | None, kind: str) -> None:
        self._runtime = runtime
        self.key = key
        self.kind = kind

    def take(self, session: Any) -> bool:
        if self.key is None:
            return True
        first = claim_delivery(session, self.key, self.kind, self._runtime.clock())
        if not first:
            log.info("delivery %s (%s) already processed; ignored", self.key, self.kind)
        return first


def delivery_key(body: dict[str, Any], listener_name: str) -> str | None:
    """The claim key of an event delivery for one listener; None without an event id."""
    event_id = body.get("event_id")
    return f"event:{event_id}/{listener_name}" if isinstance(event_id, str) and event_id else None


def claims_own_delivery(listener: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an event listener that takes `context["delivery"]` itself, inside its transaction
    (only where it records something), instead of the wrapper claiming it in one of its own."""
    listener.claims_own_delivery = True  # type: ignore[attr-defined]
    return listener
