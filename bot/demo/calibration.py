"""Demo scene: a reviewer calibrates on the prompt's sample answers before scoring.

Runs when the day's prompt ships sample answers (content packs with `calibration`); a prompt
without them shows no "See sample answers" button, and the scene has nothing to show.
"""

from __future__ import annotations

import json
from typing import Any

from bot.demo.context import DemoContext
from bot.demo.reviews import review_dm

SAMPLES = "calibration_samples"


def _button_value(blocks: list[dict[str, Any]], action_id: str) -> str | None:
    return next(
        (
            e.get("value")
            for b in blocks
            if b.get("type") == "actions"
            for e in b["elements"]
            if e.get("action_id") == action_id
        ),
        None,
    )


def _new_view(ctx: DemoContext, user: str, before: set[str]) -> dict[str, Any]:
    stage = ctx.stage
    return stage.slack.wait_for(
        lambda: next((v for v in stage.slack.open_views(user) if v["id"] not in before), None)
    )


def calibrate_on_samples(ctx: DemoContext) -> None:
    stage = ctx.stage
    maya = ctx.people[0]
    dm = review_dm(ctx, maya)
    value = _button_value(dm.get("blocks") or [], SAMPLES)
    if value is None:
        return
    ctx.heading("A reviewer calibrates on the prompt's sample answers")
    before = {v["id"] for v in stage.slack.open_views(maya)}
    stage.sender.click(maya, action_id=SAMPLES, message=dm, value=value)
    samples = _new_view(ctx, maya, before)
    ctx.show_view(f"{ctx.name(maya)} presses [See sample answers]", samples)
    before = {v["id"] for v in stage.slack.open_views(maya)}
    stage.sender.click(maya, action_id="calibration_score", view_id=samples["id"])
    form = _new_view(ctx, maya, before)
    level = json.loads(form["private_metadata"])["level"]
    criteria = [b["block_id"] for b in form["blocks"] if b.get("type") == "input"]
    # The first sample offered is the middling one; she is a little harsh with it: 2 on each.
    stage.sender.submit_view(maya, form["id"], {f"{c}/score": "2" for c in criteria})
    ctx.say(ctx.name(maya), f"(scores the {level} sample 2 on each of {len(criteria)} criteria)")
    ctx.show_view(f"Practice Bot (to {ctx.name(maya)})", stage.slack.view(form["id"]))
