"""Block action listeners (buttons)."""

from __future__ import annotations

import re

from bot.slack.listeners.actions import (
    calibration,
    drills,
    members,
    mock,
    privacy,
    review_feedback,
    reviews,
)
from bot.slack.listeners.routes import Routes
from bot.slack.render.calibration import REVEAL_ACTION, SAMPLE_SCORE_ACTION, SAMPLES_ACTION
from bot.slack.render.drill_review import DRILL_CHALLENGE_ACTION, DRILL_SCORE_ACTION
from bot.slack.render.goals import DRILL_REVIEW_ACTION
from bot.slack.render.home import LEAVE_QUEUE_ACTION
from bot.slack.render.members import SETTINGS_ACTION
from bot.slack.render.mock import FEEDBACK_ACTION, RATE_ACTION, SWAP_ACTION
from bot.slack.render.mock_times import CHECK_IN_ACTION, FIND_ACTION, PROPOSE_ACTION
from bot.slack.render.privacy import FORGET_CANCEL_ACTION, FORGET_CONFIRM_ACTION
from bot.slack.render.review import CHALLENGE_ACTION, SCORE_ACTION
from bot.slack.render.review_feedback import (
    HELPFUL_ACTION,
    NOT_HELPFUL_ACTION,
    PREDICT_ACTION,
    TAKE_ACTION,
)


def register(app: Routes) -> None:
    app.action(CHALLENGE_ACTION)(reviews.on_challenge_clicked)
    app.action(SCORE_ACTION)(reviews.on_score_clicked)
    app.action(TAKE_ACTION)(review_feedback.on_standin_take)
    app.action(re.compile(f"^{PREDICT_ACTION}_[1-5]$"))(review_feedback.on_predict)
    app.action(HELPFUL_ACTION)(review_feedback.on_rate_helpful)
    app.action(NOT_HELPFUL_ACTION)(review_feedback.on_rate_not_helpful)
    app.action(SAMPLES_ACTION)(calibration.on_samples_clicked)
    app.action(REVEAL_ACTION)(calibration.on_reveal_clicked)
    app.action(SAMPLE_SCORE_ACTION)(calibration.on_sample_score_clicked)
    app.action(SWAP_ACTION)(mock.on_swap)
    app.action(FEEDBACK_ACTION)(mock.on_score_candidate)
    app.action(RATE_ACTION)(mock.on_rate_interviewer)
    app.action(LEAVE_QUEUE_ACTION)(mock.on_leave_queue)
    app.action(SETTINGS_ACTION)(members.on_settings_clicked)
    app.action(FIND_ACTION)(mock.on_find_partner)
    app.action(PROPOSE_ACTION)(mock.on_propose)
    app.action(re.compile(f"^{CHECK_IN_ACTION}_"))(mock.on_check_in)
    app.action(FORGET_CONFIRM_ACTION)(privacy.on_forget_confirmed)
    app.action(FORGET_CANCEL_ACTION)(privacy.on_forget_cancelled)
    app.action(DRILL_REVIEW_ACTION)(drills.on_drill_review_asked)
    app.action(DRILL_SCORE_ACTION)(drills.on_drill_score_clicked)
    app.action(DRILL_CHALLENGE_ACTION)(drills.on_drill_challenge_clicked)
