"""The database schema: SQLAlchemy 2 typed models, one module per area.

Uniqueness rules from DESIGN.md live in the models as constraints so that every process, however
many run, agrees on them: one post per channel and local date, one answer per post and user, one
score per reviewer, answer and criterion, one delivery per Slack event id.

Importing this package registers every table on `Base.metadata` (Alembic's `target_metadata`,
with `SLACK_METADATA`), and every name is imported from here: `from bot.models import Channel`.
"""

from bot.models.base import DEFAULT_PACK, NAMING_CONVENTION, Base, UTCDateTime
from bot.models.leaderboard import LeaderboardPost, SeasonPost
from bot.models.members import (
    AwayPeriod,
    DrillAnswer,
    GoalMessage,
    InterviewGoal,
    MemberSettings,
    PromptIdea,
)
from bot.models.mocks import (
    MockCheckIn,
    MockMatch,
    MockNotice,
    MockRating,
    MockRequest,
    MockRound,
    MockScore,
    MockStanding,
)
from bot.models.posts import Answer, PromptPost, ThreadMessage, ThreadNotice
from bot.models.privacy import ForgetMark
from bot.models.reviews import (
    CalibrationScore,
    Challenge,
    ReviewAssignment,
    ReviewerOptIn,
    ReviewRating,
    StandinOffer,
    Vote,
)
from bot.models.slack_store import (
    SEALED_TOKEN_COLUMNS,
    SEALED_TOKEN_LENGTH,
    SLACK_BOTS,
    SLACK_INSTALLATIONS,
    SLACK_METADATA,
    SLACK_OAUTH_STATES,
)
from bot.models.workspaces import Channel, Delivery, Workspace

__all__ = [
    "DEFAULT_PACK",
    "NAMING_CONVENTION",
    "SEALED_TOKEN_COLUMNS",
    "SEALED_TOKEN_LENGTH",
    "SLACK_BOTS",
    "SLACK_INSTALLATIONS",
    "SLACK_METADATA",
    "SLACK_OAUTH_STATES",
    "Answer",
    "AwayPeriod",
    "Base",
    "CalibrationScore",
    "Challenge",
    "Channel",
    "Delivery",
    "DrillAnswer",
    "ForgetMark",
    "GoalMessage",
    "InterviewGoal",
    "LeaderboardPost",
    "MemberSettings",
    "MockCheckIn",
    "MockMatch",
    "MockNotice",
    "MockRating",
    "MockRequest",
    "MockRound",
    "MockScore",
    "MockStanding",
    "PromptIdea",
    "PromptPost",
    "ReviewAssignment",
    "ReviewRating",
    "ReviewerOptIn",
    "SeasonPost",
    "StandinOffer",
    "ThreadMessage",
    "ThreadNotice",
    "UTCDateTime",
    "Vote",
    "Workspace",
]
