"""`practice-bot demo`: the real app against a simulated workspace, told as a transcript.

Each scene is a function `(DemoContext) -> None` in its own module; `SCENES` runs them in the
order of a practice day (and week).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.demo.calibration import calibrate_on_samples
from bot.demo.context import DemoContext
from bot.demo.day import answer_in_thread, enrol_channel, post_the_prompt
from bot.demo.home import app_home
from bot.demo.leaderboard import weekly_leaderboard
from bot.demo.members import settings_and_a_plan
from bot.demo.mock import matched_mock
from bot.demo.page import page_html
from bot.demo.reviews import assign_reviewers, close_reviews, review_answers
from bot.demo.standins import half_time, rate_a_review, volunteer

Scene = Callable[[DemoContext], None]
SCENES: list[Scene] = [
    enrol_channel,
    post_the_prompt,
    answer_in_thread,
    volunteer,
    assign_reviewers,
    review_answers,
    calibrate_on_samples,
    half_time,
    close_reviews,
    rate_a_review,
    matched_mock,
    weekly_leaderboard,
    settings_and_a_plan,
    app_home,
]


def run_demo(out_dir: Path, *, stream: TextIO | None = None, html: Path | None = None) -> int:
    """Run every scene on a fresh SQLite file; files (charts, exports) go to `out_dir`, and
    the whole transcript as a web page to `html` when given."""
    out = stream or sys.stdout
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="practice-demo-") as tmp,
        DemoContext.open(Path(tmp) / "demo.db", out_dir, out) as ctx,
    ):
        for scene in SCENES:
            scene(ctx)
        ctx.say("", "That was a practice day. Run `make run` with real tokens to do it in Slack.")
        if html is not None:
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(page_html(ctx.entries, ctx.name), encoding="utf-8")
            out.write(f"\nThe demo as a web page: {html}\n")
    return 0
