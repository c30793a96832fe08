"""Submitting a drill answer's scoring and challenge forms (issue 25)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.practice.members.drill_reviews import DrillChallenged, DrillScored
from bot.runtime import runtime_of
from bot.services.drills import submit_drill_challenge, submit_drill_scores
from bot.slack.payloads import Interaction
from bot.slack.render.drill_review import (
    drill_challenged_text,
    drill_saved_text,
    read_drill_id,
)
from bot.slack.render.review_modals import (
    CHALLENGE_BLOCK,
    notice_view,
    read_challenge,
    read_scores,
)

NOT_SAVED = "Not saved"


def on_drill_scored(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    drill_id = read_drill_id(seen.private_metadata)
    if drill_id is None:
        ack(response_action="update", view=notice_view(NOT_SAVED, "This form is not mine."))
        return
    scores, comment = read_scores(seen.values(), [])
    now = runtime.clock()

    def answer_modal(saved: DrillScored) -> None:
        if saved.field_errors:
            ack(response_action="errors", errors=saved.field_errors)
        elif saved.brief is None:
            ack(response_action="update", view=notice_view(NOT_SAVED, saved.refusal))
        else:
            first = saved.result is not None
            ack(response_action="update", view=notice_view("Saved", drill_saved_text(first)))

    submit_drill_scores(
        runtime.sessions,
        drill_id,
        seen.user_id,
        scores,
        comment,
        now,
        library=runtime.library,
        notifier=runtime.adapters.reviews(now),
        on_recorded=answer_modal,
    )


def on_drill_challenged(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    runtime = runtime_of(context)
    seen = Interaction.of(body, context.team_id)
    drill_id = read_drill_id(seen.private_metadata)
    if drill_id is None:
        ack(response_action="update", view=notice_view(NOT_SAVED, "This form is not mine."))
        return

    def answer_modal(done: DrillChallenged) -> None:
        if done.field_error:
            ack(response_action="errors", errors={CHALLENGE_BLOCK: done.field_error})
        elif done.challenge is None:
            ack(response_action="update", view=notice_view(NOT_SAVED, done.refusal))
        else:
            ack(response_action="update", view=notice_view("Sent", drill_challenged_text()))

    now = runtime.clock()
    submit_drill_challenge(
        runtime.sessions,
        drill_id,
        seen.user_id,
        read_challenge(seen.values()),
        now,
        library=runtime.library,
        notifier=runtime.adapters.reviews(now),
        on_recorded=answer_modal,
    )
