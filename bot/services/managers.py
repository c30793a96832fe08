"""The manager check every manager-only use case makes first (`/practice setup`, `pause`,
`resume`, `now`, `scoring`, `ideas`): workspace admins and owners, and the channel's creator.

Whether someone is an admin is Slack's to say (`users.info`), so the use case takes the
question as a function, `may_manage(creator_id)`, and asks it after its read, with no
transaction open (a rate-limited `users.info` can wait). A refusal raises `NotAManager`
before anything is read for the caller or changed; the listener words it.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.db import SessionFactory, read_only
from bot.practice.channels import get_channel

# may_manage(the channel's creator as stored, or None) -> does the caller manage it?
MayManage = Callable[[str | None], bool]


class NotAManager(Exception):
    """The caller does not manage the channel: nothing was shown to them or changed."""


def check_manager(
    sessions: SessionFactory, team_id: str, channel_id: str, may_manage: MayManage
) -> None:
    """Raise NotAManager unless `may_manage` says yes for this channel's stored creator (None
    when the channel is not enrolled: then only Slack can say who created it)."""
    with read_only(sessions) as session:
        channel = get_channel(session, team_id, channel_id)
        creator = channel.creator_id if channel is not None else None
    if not may_manage(creator):
        raise NotAManager(channel_id)
