"""Modal submission listeners."""

from __future__ import annotations

from bot.slack.listeners.routes import Routes
from bot.slack.listeners.views import (
    calibration,
    drills,
    members,
    mock,
    review_feedback,
    reviews,
    setup,
)
from bot.slack.render.calibration import SAMPLE_CALLBACK
from bot.slack.render.drill_review import DRILL_CHALLENGE_CALLBACK, DRILL_SCORE_CALLBACK
from bot.slack.render.members import SETTINGS_CALLBACK
from bot.slack.render.mock import FEEDBACK_CALLBACK, RATE_CALLBACK
from bot.slack.render.mock_times import AVAILABILITY_CALLBACK, PROPOSE_CALLBACK
from bot.slack.render.review_feedback import WORD_CALLBACK
from bot.slack.render.review_modals import CHALLENGE_CALLBACK, SCORE_CALLBACK
from bot.slack.render.setup import CALLBACK_ID as SETUP_CALLBACK


def register(app: Routes) -> None:
    app.view(SETUP_CALLBACK)(setup.on_setup_submitted)
    app.view(SETTINGS_CALLBACK)(members.on_settings_submitted)
    app.view(SCORE_CALLBACK)(reviews.on_score_submitted)
    app.view(CHALLENGE_CALLBACK)(reviews.on_challenge_submitted)
    app.view(WORD_CALLBACK)(review_feedback.on_word_submitted)
    app.view(FEEDBACK_CALLBACK)(mock.on_feedback_submitted)
    app.view(RATE_CALLBACK)(mock.on_rating_submitted)
    app.view(AVAILABILITY_CALLBACK)(mock.on_availability_submitted)
    app.view(PROPOSE_CALLBACK)(mock.on_propose_submitted)
    app.view(SAMPLE_CALLBACK)(calibration.on_sample_scored)
    app.view(DRILL_SCORE_CALLBACK)(drills.on_drill_scored)
    app.view(DRILL_CHALLENGE_CALLBACK)(drills.on_drill_challenged)
