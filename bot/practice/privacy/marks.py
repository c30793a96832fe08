"""Forget-me's mark: replies a forgotten person wrote before they asked are never stored again.

Their messages stay in Slack (a bot cannot delete them), so without the mark the next recovery
read of a thread, or an old event Slack delivers late, would store them again. Replies they write
after forget-me are new and stored as usual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Channel, ForgetMark, PromptPost


def user_hash(team_id: str, user_id: str) -> str:
    return hashlib.sha256(f"{team_id}:{user_id}".encode()).hexdigest()


def mark_forgotten(session: Session, team_id: str, user_id: str, now: datetime) -> None:
    hashed = user_hash(team_id, user_id)
    session.add(ForgetMark(team_id=team_id, user_hash=hashed, forgotten_at=now))


def forgotten_replies(
    session: Session, replies: Iterable[tuple[int, str | None, str]]
) -> set[tuple[int, str]]:
    """Of `(post id, user id, ts)` replies, the `(post id, ts)` written by someone forgotten
    in the post's workspace before they were. One query, whatever the number of replies."""
    wanted = [(post, user, ts) for post, user, ts in replies if user]
    if not wanted:
        return set()
    posts = {post for post, _, _ in wanted}
    # Only a mark made after the oldest of these replies can apply: on the live path (replies
    # written a moment ago) the query finds nothing through the (team_id, forgotten_at) index.
    oldest = datetime.fromtimestamp(min(float(ts) for _, _, ts in wanted), UTC)
    marks = session.execute(
        select(PromptPost.id, Channel.team_id, ForgetMark.user_hash, ForgetMark.forgotten_at)
        .join(Channel, Channel.id == PromptPost.channel_pk)
        .join(ForgetMark, ForgetMark.team_id == Channel.team_id)
        .where(PromptPost.id.in_(posts), ForgetMark.forgotten_at >= oldest)
    ).all()
    if not marks:
        return set()
    until: dict[tuple[int, str], float] = {}
    for post, _team, hashed, when in marks:
        key = (post, hashed)
        until[key] = max(until.get(key, 0.0), when.timestamp())
    teams = {post: team for post, team, _, _ in marks}
    return {
        (post, ts)
        for post, user, ts in wanted
        if post in teams and float(ts) <= until.get((post, user_hash(teams[post], str(user))), -1.0)
    }
