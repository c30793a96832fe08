"""The `Installations` port: a workspace's stored Slack tokens (slack-sdk's installation
store, OAuth mode) and the gateway's cached client, forgotten when the workspace removes the
app or revokes a token. In single-token mode there is no store: only the client cache."""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack.gateway import SlackGateway


@dataclass(frozen=True)
class SlackInstallations:
    gateway: SlackGateway
    enterprise_id: str | None  # the event's Enterprise Grid org, if any

    def forget_user(self, team_id: str, user_id: str) -> None:
        store = self.gateway.installation_store
        if store is not None:
            store.delete_installation(
                enterprise_id=self.enterprise_id, team_id=team_id, user_id=user_id
            )

    def forget_workspace(self, team_id: str) -> None:
        store = self.gateway.installation_store
        if store is not None:
            store.delete_all(enterprise_id=self.enterprise_id, team_id=team_id)
        self.gateway.forget(team_id)
