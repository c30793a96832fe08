"""`app_uninstalled` and `tokens_revoked`: forget the workspace's tokens, stop its jobs.

Slack sends both when a workspace removes the app, in either order (and may retry either).
Both are one idempotent service call (`services/workspaces.tokens_revoked`): the workspace is
marked uninstalled, which takes it out of every job's scan, then the installation store rows
are deleted (OAuth mode). Its data is deleted after the retention period
(`bot/practice/workspaces.py`); a reinstall before then clears the mark.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.runtime import runtime_of
from bot.services import workspaces

log = logging.getLogger(__name__)


def on_app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
    _revoked(context, _team_id(body, context), "app_uninstalled", users=[], bot=True)


def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    tokens = event.get("tokens") or {}
    users = [str(u) for u in tokens.get("oauth") or []]  # user tokens: only that user's install
    # The bot token is gone: the app cannot act in this workspace.
    _revoked(context, _team_id(body, context), "tokens_revoked", users, bool(tokens.get("bot")))


def _team_id(body: dict[str, Any], context: BoltContext) -> str:
    return str(context.team_id or body.get("team_id") or "")


def _revoked(context: BoltContext, team_id: str, why: str, users: list[str], bot: bool) -> None:
    if not team_id:
        log.warning("%s without a team id; ignored", why)
        return
    runtime = runtime_of(context)
    installations = runtime.adapters.installations(context.enterprise_id)
    first = workspaces.tokens_revoked(
        runtime.sessions,
        team_id,
        runtime.clock(),
        installations=installations,
        user_ids=users,
        bot=bot,
    )
    if first:
        log.info("workspace %s removed the app (%s): its jobs stop", team_id, why)
