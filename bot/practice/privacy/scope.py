"""Which rows of a workspace name a person: the selections export and forget share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from bot.models import (
    Channel,
    MockMatch,
    PromptPost,
)


def team_posts(team_id: str) -> Any:
    return (
        select(PromptPost.id)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .where(Channel.team_id == team_id)
    )


def in_match(user_id: str) -> Any:
    return or_(
        MockMatch.user_a == user_id,
        MockMatch.user_b == user_id,
        MockMatch.candidate_id == user_id,
        MockMatch.interviewer_id == user_id,
    )
