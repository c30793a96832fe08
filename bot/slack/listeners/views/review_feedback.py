"""The optional word after rating a review: saved once, never required."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.runtime import runtime_of
from bot.services.reviews import add_word
from bot.slack.payloads import Interaction
from bot.slack.render.review_feedback import WORD_BLOCK


def on_word_submitted(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    runtime = runtime_of(context)
    seen = Interaction.of(body)
    user_id, metadata, values = seen.user_id, seen.private_metadata, seen.values()
    word = str(((values.get(WORD_BLOCK) or {}).get("text") or {}).get("value") or "")
    if metadata.isdigit() and word.strip():
        add_word(runtime.sessions, int(metadata), user_id, word)
