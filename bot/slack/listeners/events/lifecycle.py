"""`app_uninstalled` and `tokens_revoked`: forget the workspace's tokens, stop its jobs.

Slack sends both when a workspace removes the app, in either order (and may retry either).
Both are idempotent: the installation store rows are deleted (OAuth mode), and the workspace
is marked uninstalled, which takes it out of every job's scan. Its data is deleted after the
retention period (`bot/practice/workspaces.py`); a reinstall before then clears the mark.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.runtime import runtime_of
from bot.services import workspaces

log = logging.getLogger(__name__)


def on_app_uninstalled(body: dict[str, Any], context: BoltContext) -> None:
    _forget_workspace(context, _team_id(body, context), "app_uninstalled")


def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    team_id = _team_id(body, context)
    tokens = event.get("tokens") or {}
    store = runtime_of(context).slack.installation_store
    if store is not None:
        for user_id in tokens.get("oauth") or []:  # user tokens: only that user's install
            store.delete_installation(
                enterprise_id=context.enterprise_id, team_id=team_id, user_id=user_id
            )
    if tokens.get("bot"):  # the bot token is gone: the app cannot act in this workspace
        _forget_workspace(context, team_id, "tokens_revoked")


def _team_id(body: dict[str, Any], context: BoltContext) -> str:
    return str(context.team_id or body.get("team_id") or "")


def _forget_workspace(context: BoltContext, team_id: str, why: str) -> None:
    if not team_id:
        log.warning("%s without a team id; ignored", why)
        return
    runtime = runtime_of(context)
    store = runtime.slack.installation_store
    if store is not None:
        store.delete_all(enterprise_id=context.enterprise_id, team_id=team_id)
    runtime.slack.forget(team_id)
    if workspaces.uninstall(runtime.sessions, team_id, runtime.clock()):
        log.info("workspace %s removed the app (%s): its jobs stop", team_id, why)
