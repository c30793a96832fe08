"""The domain's `ReviewNotifier` port (skeptic reviews) implemented with the Slack Web API."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.practice.members.dm_policy import Action, DmDecision, DmKind
from bot.practice.members.drill_reviews import DrillBrief, DrillChallenge, DrillResult
from bot.practice.ports import PublishError
from bot.practice.reviews.notices import (
    AuthorSummary,
    PostRef,
    ReviewerBrief,
    ShortNotice,
    ThreadNotes,
)
from bot.practice.reviews.standins import OfferNotice, PassedNotice
from bot.practice.reviews.votes import ReviewTarget
from bot.slack.dm import DirectMessages
from bot.slack.errors import publish_error, slack_error
from bot.slack.gateway import SlackGateway, WorkspaceNotInstalled
from bot.slack.render import text as mrkdwn
from bot.slack.render.drill_review import drill_brief_blocks, drill_result_blocks
from bot.slack.render.review import (
    BRIEF_EVENT,
    brief_blocks,
    brief_metadata,
    challenge_message,
    notes_blocks,
    permalink,
    short_notice_text,
    summary_blocks,
)
from bot.slack.render.review_feedback import offer_blocks, passed_text

log = logging.getLogger(__name__)


class SlackReviewNotifier:
    """`dms`: every DM goes through it (the member's away, quiet hours and reminders)."""

    def __init__(self, gateway: SlackGateway, dms: DirectMessages) -> None:
        self.gateway = gateway
        self.dms = dms

    def send_drill_brief(self, brief: DrillBrief) -> DmDecision:
        """A drill review's brief: work asked of them, due by its close."""
        text, blocks = drill_brief_blocks(brief)
        return self.dms.send(
            brief.team_id, brief.reviewer_id, DmKind.BRIEF, text, blocks, deadline=brief.closes_at
        )

    def send_drill_result(self, result: DrillResult) -> DmDecision:
        text, blocks = drill_result_blocks(result)
        return self.dms.send(result.team_id, result.author_id, DmKind.RESULT, text, blocks)

    def send_drill_challenge(self, challenge: DrillChallenge) -> DmDecision:
        """In the author's drill thread, where they answered."""
        text, blocks = challenge_message(challenge.author_id, challenge.reviewer_id, challenge.text)
        where = (challenge.channel_id, challenge.thread_ts)
        return self.dms.send(
            challenge.team_id, challenge.author_id, DmKind.RESULT, text, blocks, thread=where
        )

    def _client(self, team_id: str) -> WebClient:
        try:
            return self.gateway.client_for(team_id)
        except WorkspaceNotInstalled as exc:
            raise PublishError("workspace not installed", permanent=True) from exc

    def _call(self, team_id: str, method: str, **kwargs: Any) -> dict[str, Any]:
        client = self._client(team_id)
        try:
            response = getattr(client, method)(**kwargs)
        except SlackApiError as exc:
            raise publish_error(slack_error(exc)) from exc
        except (SlackClientError, OSError) as exc:
            raise PublishError(type(exc).__name__, permanent=False) from exc
        return dict(response.data) if isinstance(response.data, dict) else {}

    def send_brief(self, brief: ReviewerBrief, *, reminder: bool) -> None:
        """The brief, or at half-time its reminder: the brief again, with a reminder's intro
        (no lookup of the first one: `render/review._brief_intro`)."""
        kind = DmKind.REMINDER if reminder else DmKind.BRIEF
        team, reviewer, close = brief.post.team_id, brief.reviewer, brief.reviews_close_at
        # Asked first, so a held or skipped DM costs no lookups.
        if self.dms.check(team, [reviewer], kind, close).action is not Action.SEND:
            return
        text, blocks = brief_blocks(brief, _links(brief), reminder=reminder)
        # The metadata is how update_brief finds the brief again when scored from App Home.
        self.dms.send(
            team, reviewer, kind, text, blocks, deadline=close, metadata=brief_metadata(brief)
        )

    def update_brief(
        self, brief: ReviewerBrief, dm_channel: str | None = None, ts: str | None = None
    ) -> bool:
        """Rewrite the brief in place (after scoring: what is scored, what is left). Without
        the message (scored from the App Home) it is found by its metadata. False: not found."""
        if not (dm_channel and ts):
            found = self._find_brief(brief)
            if found is None:
                return False
            dm_channel, ts = found
        text, blocks = brief_blocks(brief, _links(brief), reminder=False)
        self._call(
            brief.post.team_id,
            "chat_update",
            channel=dm_channel,
            ts=ts,
            text=text,
            blocks=blocks,
            metadata=brief_metadata(brief),
        )
        return True

    def _find_brief(self, brief: ReviewerBrief) -> tuple[str, str] | None:
        """(DM channel, ts) of the reviewer's brief for this prompt, found by its metadata."""
        try:
            channel = self.dms.open(brief.post.team_id, [brief.reviewer])
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
                return channel, str(message["ts"])
        return None

    def send_summary(self, summary: AuthorSummary) -> None:
        link = permalink(summary.post.channel_id, summary.post.thread_ts, "")
        text, blocks = summary_blocks(summary, link)
        self.dms.send(summary.post.team_id, summary.author, DmKind.RESULT, text, blocks)

    def post_notes(self, notes: ThreadNotes) -> str:
        text, blocks = notes_blocks(notes)
        return self._post_in_thread(notes.post, text, blocks)

    def post_short_notice(self, notice: ShortNotice) -> str:
        return self._post_in_thread(notice.post, short_notice_text(notice))

    def post_challenge(self, target: ReviewTarget, text: str) -> str:
        """Post a reviewer's challenge in the prompt's thread; returns its ts."""
        fallback, blocks = challenge_message(target.author, target.reviewer, text)
        return self._post_in_thread(target.post, fallback, blocks)

    def send_standin_offer(self, offer: OfferNotice) -> None:
        # An invitation, not their own assignment: a nudge, due before reviews close.
        if (
            self.dms.check(
                offer.post.team_id, [offer.user], DmKind.REMINDER, offer.reviews_close_at
            ).action
            is not Action.SEND
        ):
            return
        link = permalink(offer.post.channel_id, offer.answer_ts, offer.post.thread_ts)
        text, blocks = offer_blocks(offer, link)
        self.dms.send(
            offer.post.team_id,
            offer.user,
            DmKind.REMINDER,
            text,
            blocks,
            deadline=offer.reviews_close_at,
        )

    def tell_passed_on(self, notice: PassedNotice) -> None:
        text = passed_text(notice)
        self.dms.send(
            notice.post.team_id,
            notice.reviewer,
            DmKind.REMINDER,
            text,
            [mrkdwn.section(text).to_dict()],
        )

    def _post_in_thread(self, post: PostRef, text: str, blocks: list[Any] | None = None) -> str:
        """One message in the prompt's thread; returns its ts ("" if Slack gave none)."""
        extra = {"blocks": blocks} if blocks is not None else {}
        response = self._call(
            post.team_id,
            "chat_postMessage",
            channel=post.channel_id,
            thread_ts=post.thread_ts,
            text=text,
            **extra,
        )
        return str(response.get("ts") or "")


def _links(brief: ReviewerBrief) -> dict[int, str]:
    """Each answer's link, built rather than asked for: chat.getPermalink is Tier 4 (about
    100 calls a minute per workspace), and asking for every answer of every brief, brief
    update and summary would cost a 1,000-channel workspace tens of thousands of calls a day
    (docs/decisions.md)."""
    return {
        item.assignment_id: permalink(brief.post.channel_id, item.answer_ts, brief.post.thread_ts)
        for item in brief.items
    }
