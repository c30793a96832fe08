"""`/practice export` and `/practice forget-me`: the confirmation, the file, the result."""

from __future__ import annotations

import json
from typing import Any

from bot.practice.privacy.forget import ForgetReport

FORGET_CONFIRM_ACTION = "privacy_forget_confirm"
FORGET_CANCEL_ACTION = "privacy_forget_cancel"
EXPORT_FILENAME = "practice-bot-my-data.json"

FORGET_QUESTION = (
    "*Erase everything I keep about you in this workspace?*\n"
    "Your answers' text and thread replies, your scores and challenges as a reviewer, your "
    "reviewer opt-ins and mock requests are deleted. Where other people's results depend on "
    "you (reviews they did of your answers, mocks you did with them), your name is replaced "
    "by an anonymous token. Leaderboards are recomputed; messages already posted in Slack "
    "(your own replies, past leaderboards) stay in Slack. This cannot be undone. "
    "`/practice export` first if you want a copy."
)


def forget_confirm_blocks(user_id: str) -> tuple[str, list[dict[str, Any]]]:
    return FORGET_QUESTION, [
        {"type": "section", "text": {"type": "mrkdwn", "text": FORGET_QUESTION}},
        {
            "type": "actions",
            "block_id": "privacy_forget",
            "elements": [
                {
                    "type": "button",
                    "action_id": FORGET_CONFIRM_ACTION,
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Erase my data"},
                    "value": user_id,
                },
                {
                    "type": "button",
                    "action_id": FORGET_CANCEL_ACTION,
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "value": user_id,
                },
            ],
        },
    ]


def forget_done_text(report: ForgetReport) -> str:
    if not report.anything:
        return "Done. I had nothing stored about you here, so nothing was erased."
    parts = [
        f"{report.answers} answer(s) erased",
        f"{report.thread_messages} thread repl(ies) deleted",
        f"{report.votes} score(s) and {report.challenges} challenge(s) you gave deleted",
        f"{report.mock_requests} mock request(s) deleted",
        f"{report.mock_matches} mock(s) anonymised",
    ]
    weeks = len(report.affected_weeks)
    return (
        "Done: "
        + "; ".join(parts)
        + ". "
        + (f"Leaderboards of {weeks} week(s) now leave you out. " if weeks else "")
        + "Messages you posted yourself stay in Slack; delete them there if you wish."
    )


FORGET_CANCELLED = "Cancelled: nothing was erased."
FORGET_OTHER_USER = "That button was for someone else, so nothing was erased."


def export_file(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


EXPORT_COMMENT = (
    "Here is everything I store about you in this workspace, as JSON. "
    "`/practice forget-me` erases it."
)
EXPORT_SENT = "I sent you a file with everything I store about you, in our DM."
EXPORT_FAILED = (
    "Sorry, I could not send you the file ({reason}). It is logged; please try again later."
)
