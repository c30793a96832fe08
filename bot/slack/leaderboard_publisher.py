"""The weekly leaderboard's outbound port, implemented with the Web API: the message with
`chat.postMessage`, then the chart in its thread with the files v2 upload flow
(`files.getUploadURLExternal`, upload, `files.completeUploadExternal`, via slack-sdk's
`files_upload_v2`)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.practice.channels import ChannelView
from bot.practice.season_post import SeasonReport
from bot.practice.weekly_post import WeeklyReport
from bot.slack.errors import SLACK_FAILURES
from bot.slack.gateway import SlackGateway
from bot.slack.publisher import post_channel_message
from bot.slack.render.chart import weekly_chart
from bot.slack.render.leaderboard import TOP, chart_alt_text, week_label, weekly_blocks
from bot.slack.render.season import season_blocks

log = logging.getLogger(__name__)


def display_names(client: WebClient, user_ids: list[str]) -> dict[str, str]:
    """Best-effort display names for the chart (user ids where Slack does not say)."""
    names = {}
    for user_id in user_ids:
        try:
            user = client.users_info(user=user_id).get("user") or {}
        except SLACK_FAILURES:
            continue
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name")
        if name:
            names[user_id] = str(name)
    return names


class SlackLeaderboardPublisher:
    def __init__(self, gateway: SlackGateway) -> None:
        self.gateway = gateway

    def post_leaderboard(self, channel: ChannelView, report: WeeklyReport) -> str:
        text, blocks = weekly_blocks(report)
        payload = {"week_start": report.week.week_start.isoformat()}
        ts, client = post_channel_message(
            self.gateway,
            channel.team_id,
            channel.channel_id,
            text,
            blocks,
            ("practice_leaderboard", payload),
        )
        # The message is out: a failed chart must not make the week retry (and post twice).
        try:
            self.upload_chart(client, channel, report, ts)
        except SLACK_FAILURES:
            log.exception("leaderboard chart upload failed in %s", channel.channel_id)
        return ts

    def post_season(self, channel: ChannelView, report: SeasonReport) -> str:
        text, blocks = season_blocks(report)
        payload = {"month": report.month.isoformat()}
        ts, _client = post_channel_message(
            self.gateway,
            channel.team_id,
            channel.channel_id,
            text,
            blocks,
            ("practice_season", payload),
        )
        return ts

    def upload_chart(
        self, client: WebClient, channel: ChannelView, report: WeeklyReport, thread_ts: str
    ) -> None:
        top = report.week.top_named(TOP)
        names = display_names(client, [r.user_id for r in top])
        png = weekly_chart(
            top,
            report.trend,
            names=names,
            criterion_names=report.criterion_names,
            title=f"Week of {week_label(report.week.week_start)}",
        )
        client.files_upload_v2(
            channel=channel.channel_id,
            thread_ts=thread_ts,
            file=png,
            filename=f"leaderboard-{report.week.week_start.isoformat()}.png",
            title=f"Leaderboard chart, {week_label(report.week.week_start)}",
            alt_txt=chart_alt_text(report, names),
            initial_comment="Top ten's points and the channel's per-criterion trend.",
        )
