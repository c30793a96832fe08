"""`/practice leaderboard` arguments: this or last week, and `why` with Slack's mentions."""

from __future__ import annotations

import pytest

from bot.slack.listeners.commands.leaderboard import parse_leaderboard_args


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", (False, None)),
        ("last", (True, None)),
        ("LAST", (True, None)),
        ("why <@U123ABC|ana>", (False, "U123ABC")),
        ("why <@U123ABC>", (False, "U123ABC")),
        ("why <@W0ENT|ent.user> last", (True, "W0ENT")),
    ],
)
def test_understood(args: str, expected: tuple[bool, str | None]) -> None:
    assert parse_leaderboard_args(args) == expected


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("why", "Whose row?"),
        ("why ana", "`ana` is not a mention"),
        ("why @ana", "`@ana` is not a mention"),
        ("why <@U1> <@U2>", "Whose row?"),
        ("top 5", "I don't know `top 5`"),
        ("<#C123|general>", "I don't know"),
    ],
)
def test_bad_input_says_what_to_do(args: str, says: str) -> None:
    reply = parse_leaderboard_args(args)
    assert isinstance(reply, str) and says in reply and "/practice leaderboard" in reply
