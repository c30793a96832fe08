"""The optional word after rating a review: saved once, never required."""

from __future__ import annotations

from typing import Any

from bot.services.reviews import add_word
from bot.slack.render.review_feedback import WORD_BLOCK


def on_word_submitted(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    ack()
    runtime = context["runtime"]
    user_id = str((body.get("user") or {}).get("id") or "")
    metadata = str(view.get("private_metadata") or "")
    values = (view.get("state") or {}).get("values") or {}
    word = str(((values.get(WORD_BLOCK) or {}).get("text") or {}).get("value") or "")
    if metadata.isdigit() and word.strip():
        add_word(runtime.sessions, int(metadata), user_id, word)
