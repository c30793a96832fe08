"""A workspace installs or removes the app (the OAuth hook, `app_uninstalled`/`tokens_revoked`),
or its token is found dead."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from bot.db import SessionFactory, unit_of_work
from bot.practice.channels import stop_workspace
from bot.practice.ports import Installations
from bot.practice.stored_tokens import seal_plain_tokens
from bot.practice.workspaces import mark_uninstalled, record_install


def install(
    sessions: SessionFactory, team_id: str, now: datetime, *, name: str, bot_user_id: str | None
) -> None:
    """A (re)install: the workspace is recorded as current and no longer uninstalled."""
    with unit_of_work(sessions) as session:
        record_install(session, team_id, now, name=name, bot_user_id=bot_user_id)
        session.commit()


def stop_workspaces(
    sessions: SessionFactory, team_ids: Sequence[str | None], now: datetime
) -> None:
    """Slack called these workspaces' tokens dead: every job leaves them until a reinstall
    (`None`: every workspace, the single-token mode)."""
    with unit_of_work(sessions) as session:
        for team_id in team_ids:
            stop_workspace(session, team_id, now)
        session.commit()


def uninstall(sessions: SessionFactory, team_id: str, now: datetime) -> bool:
    """The workspace removed the app: every job skips it from now on. False if it already had."""
    with unit_of_work(sessions) as session:
        first = mark_uninstalled(session, team_id, now)
        session.commit()
    return first


def tokens_revoked(
    sessions: SessionFactory,
    team_id: str,
    now: datetime,
    *,
    installations: Installations,
    user_ids: Iterable[str] = (),
    bot: bool = True,
) -> bool:
    """`app_uninstalled` (the bot's token, `bot`) or `tokens_revoked` (members' `user_ids`,
    and the bot's when it is among them). With the bot's token gone the workspace is marked
    uninstalled first (every job skips it from now on), then, with no transaction open, its
    stored tokens and cached client are forgotten; a member's revoked token forgets only their
    installation. Idempotent (Slack may send both events, and retry either). True when this
    call marked the workspace uninstalled."""
    first = uninstall(sessions, team_id, now) if bot else False
    for user_id in user_ids:
        installations.forget_user(team_id, user_id)
    if bot:
        installations.forget_workspace(team_id)
    return first


def seal_stored_tokens(
    sessions: SessionFactory, seal: Callable[[str | None], str | None], sealed_prefix: str
) -> int:
    """Encrypt tokens stored before encryption was on (an upgrade), in one transaction;
    returns how many rows."""
    with unit_of_work(sessions) as session:
        changed = seal_plain_tokens(session, seal, sealed_prefix)
        session.commit()
    return changed
