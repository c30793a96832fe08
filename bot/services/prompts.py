"""The day's prompt: the post-prompt due work, `/practice now`, the daily housekeeping."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.content import Library
from bot.db import SessionFactory, read_only
from bot.models import Channel
from bot.practice.channels import get_channel
from bot.practice.ports import PromptPublisher, PublishError
from bot.practice.posting import (
    ClaimedPost,
    PostOutcome,
    claim_post,
    due_channels,
    failed_outcome,
    has_content,
    release_post,
    store_post,
    todays_post,
)
from bot.practice.schedule import local_date
from bot.services.managers import MayManage, check_manager
from bot.services.publishing import claim_then_call

log = logging.getLogger(__name__)


def post_due_prompts(
    sessions: SessionFactory,
    now: datetime,
    *,
    library: Library,
    publisher: PromptPublisher,
    channel_id: str | None = None,
) -> list[PostOutcome]:
    """Post every prompt due at `now` (claim, call Slack, store the ts), each exactly once."""
    with read_only(sessions) as session:
        due = due_channels(session, now, channel_id)
    return [post_prompt(sessions, pk, day, now, library, publisher) for pk, day in due]


def post_prompt(
    sessions: SessionFactory,
    channel_pk: int,
    day: date,
    now: datetime,
    library: Library,
    publisher: PromptPublisher,
) -> PostOutcome:
    """One channel's prompt for `day`: claimed, posted (or adopted after a takeover), stored."""

    def publish(claimed: ClaimedPost) -> str:
        ts = publisher.find_prompt(claimed.post) if claimed.takeover else None
        if ts is not None:
            log.warning(
                "adopted the prompt already posted in %s for %s", claimed.post.channel_id, day
            )
            return ts
        return publisher.post_prompt(claimed.post)

    def release(session: Session, claimed: ClaimedPost, exc: Exception) -> None:
        release_post(session, claimed, now, as_publish_error(exc))

    try:
        done = claim_then_call(
            sessions,
            lambda session: claim_post(session, channel_pk, day, now, library),
            publish,
            release=release,
            store=lambda session, claimed, ts: store_post(session, claimed, ts, now),
        )
    except Exception as exc:
        if not isinstance(exc, PublishError):
            log.exception("posting the prompt in channel %s failed", channel_pk)
        return failed_outcome(channel_slack_id(sessions, channel_pk), day, as_publish_error(exc))
    if done is None:
        with read_only(sessions) as session:
            channel = session.get(Channel, channel_pk)
            assert channel is not None
            if not has_content(library, channel):
                log.error(
                    "channel %s: content pack %r is missing",
                    channel.channel_id,
                    channel.content_pack,
                )
                return PostOutcome(channel.channel_id, day, "no-content", channel.content_pack)
            return PostOutcome(channel.channel_id, day, "skipped", "claimed elsewhere")
    return PostOutcome(done.claimed.post.channel_id, day, "posted", done.result)


def as_publish_error(exc: Exception) -> PublishError:
    """A failure that is not Slack's own answer counts as a passing one (retried)."""
    return exc if isinstance(exc, PublishError) else PublishError("unexpected", permanent=False)


def channel_slack_id(sessions: SessionFactory, channel_pk: int) -> str:
    """The Slack id of a channel known by its row id (for an outcome after a failure)."""
    with read_only(sessions) as session:
        channel = session.get(Channel, channel_pk)
        assert channel is not None
        return channel.channel_id


def post_prompt_now(
    sessions: SessionFactory,
    team_id: str,
    channel_id: str,
    now: datetime,
    *,
    library: Library,
    publisher: PromptPublisher,
    may_manage: MayManage,
) -> PostOutcome | None:
    """`/practice now`: today's prompt at once, whatever the schedule; never a second one.
    For a manager (else NotAManager); None when the channel is not enrolled."""
    check_manager(sessions, team_id, channel_id, may_manage)
    with read_only(sessions) as session:
        channel = get_channel(session, team_id, channel_id)
        if channel is None:
            return None
        existing = todays_post(session, channel, now)
        if existing is not None:
            return existing
        channel_pk, day = channel.id, local_date(now, channel.timezone)
    return post_prompt(sessions, channel_pk, day, now, library, publisher)
