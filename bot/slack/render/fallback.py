"""What people see when they use something the bot no longer (or never) handled."""

from __future__ import annotations

from typing import Any

STALE_BUTTON = (
    "That button is no longer valid: it may be from an old message, or for a feature that "
    "changed. Nothing was changed. `/practice help` lists what you can do now."
)
TOO_LONG = "That is too long for a `/practice` command ({length} characters; at most {limit})."
NO_USER = "Slack did not say who or where you are, so I did nothing. Please try again."
SORRY = (
    "Sorry, something went wrong on my side and I could not finish that. It has been logged; "
    "please try again in a minute."
)


def stale_modal() -> dict[str, Any]:
    """Replaces a submitted modal the bot no longer knows."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Practice bot"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "This form is no longer valid, so nothing was saved. Please start "
                    "again from the command or button that opened it.",
                },
            }
        ],
    }
