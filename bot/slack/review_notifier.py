"""The domain's `ReviewNotifier` port (skeptic reviews) implemented with the Slack Web API."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.practice.ports import PublishError
from bot.practice.reviews.notices import (
    AuthorSummary,
    PostRef,
    ReviewerBrief,
    ShortNotice,
    ThreadNotes,
)
from bot.practice.reviews.votes import ReviewTarget
from bot.slack.errors import SLACK_FAILURES, publish_errors
from bot.slack.gateway import SlackGateway
from bot.slack.render.review import (
    BRIEF_EVENT,
    brief_blocks,
    brief_metadata,
    challenge_message,
    notes_blocks,
    permalink,
    reminder_blocks,
    short_notice_text,
    summary_blocks,
)

log = logging.getLogger(__name__)


class SlackReviewNotifier:
    def __init__(self, gateway: SlackGateway) -> None:
        self.gateway = gateway

    def _client(self, team_id: str) -> WebClient:
        with publish_errors():
            return self.gateway.client_for(team_id)

    def _call(self, team_id: str, method: str, **kwargs: Any) -> dict[str, Any]:
        client = self._client(team_id)
        with publish_errors():
            response = getattr(client, method)(**kwargs)
        return dict(response.data) if isinstance(response.data, dict) else {}

    def _post(self, post: PostRef, channel: str, text: str, **extra: Any) -> dict[str, Any]:
        """chat.postMessage in the post's workspace (a DM when `channel` is a user id)."""
        return self._call(post.team_id, "chat_postMessage", channel=channel, text=text, **extra)

    def _permalink(self, team_id: str, channel_id: str, ts: str) -> str | None:
        try:
            found = self._client(team_id).chat_getPermalink(channel=channel_id, message_ts=ts)
            return str(found["permalink"])
        except (*SLACK_FAILURES, KeyError):
            log.info("no permalink for %s in %s; using a built one", ts, channel_id)
            return None

    def _permalinks(self, post: PostRef, ts_by_id: dict[int, str]) -> dict[int, str]:
        """Real permalinks where Slack gives them; the renderer builds the rest."""
        links = {}
        for key, ts in ts_by_id.items():
            if link := self._permalink(post.team_id, post.channel_id, ts):
                links[key] = link
        return links

    def send_brief(self, brief: ReviewerBrief, *, reminder: bool) -> None:
        """The brief, or for a reminder two lines linking to it (the whole brief again only when
        the first one cannot be found in the DM)."""
        if reminder and (link := self._brief_link(brief)):
            text, blocks = reminder_blocks(brief, link)
            self._post(brief.post, brief.reviewer, text, blocks=blocks)
            return
        links = self._permalinks(brief.post, {i.assignment_id: i.answer_ts for i in brief.items})
        text, blocks = brief_blocks(brief, links, reminder=reminder)
        self._post(brief.post, brief.reviewer, text, blocks=blocks, metadata=brief_metadata(brief))

    def update_brief(self, brief: ReviewerBrief, dm_channel: str, ts: str) -> None:
        """Rewrite the brief in place (after scoring: what is scored, what is left)."""
        links = self._permalinks(brief.post, {i.assignment_id: i.answer_ts for i in brief.items})
        text, blocks = brief_blocks(brief, links, reminder=False)
        self._call(
            brief.post.team_id,
            "chat_update",
            channel=dm_channel,
            ts=ts,
            text=text,
            blocks=blocks,
            metadata=brief_metadata(brief),
        )

    def _brief_link(self, brief: ReviewerBrief) -> str | None:
        """A permalink to the reviewer's first brief for this prompt, found by its metadata."""
        try:
            dm = self._call(brief.post.team_id, "conversations_open", users=brief.reviewer)
            channel = str((dm.get("channel") or {}).get("id") or "")
            history = self._call(
                brief.post.team_id,
                "conversations_history",
                channel=channel,
                limit=100,
                include_all_metadata=True,
            )
        except PublishError as exc:
            log.info("no brief found for %s: %s", brief.reviewer, exc.reason)
            return None
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == BRIEF_EVENT and payload.get("post_id") == (
                brief.post.post_id
            ):
                ts = str(message["ts"])
                return self._permalink(brief.post.team_id, channel, ts) or permalink(
                    channel, ts, ""
                )
        return None

    def send_summary(self, summary: AuthorSummary) -> None:
        link = self._permalinks(summary.post, {0: summary.post.thread_ts}).get(0)
        text, blocks = summary_blocks(summary, link)
        self._post(summary.post, summary.author, text, blocks=blocks)

    def post_notes(self, notes: ThreadNotes) -> None:
        text, blocks = notes_blocks(notes)
        post = notes.post
        self._post(post, post.channel_id, text, thread_ts=post.thread_ts, blocks=blocks)

    def post_short_notice(self, notice: ShortNotice) -> None:
        post = notice.post
        self._post(post, post.channel_id, short_notice_text(notice), thread_ts=post.thread_ts)

    def post_challenge(self, target: ReviewTarget, text: str) -> str:
        """Post a reviewer's challenge in the prompt's thread; returns its ts."""
        fallback, blocks = challenge_message(target.author, target.reviewer, text)
        post = target.post
        response = self._post(
            post, post.channel_id, fallback, thread_ts=post.thread_ts, blocks=blocks
        )
        return str(response.get("ts") or "")
