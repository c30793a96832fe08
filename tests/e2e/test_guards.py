"""What protects the app from the outside: a private `/metrics`, and one member flooding."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.emulator.stage import Stage
from bot.slack.flood import SLOW_DOWN, PerMemberLimit
from tests.e2e.conftest import ADMIN, CHANNEL, CREATOR, MEMBERS, Handled

ANA, BEN = MEMBERS[0], MEMBERS[1]


def _stage(database_url: str, stack: str = "wsgi", **settings: object) -> Stage:
    stage = Stage(database_url, migrate=False, settings=settings, stack=stack)
    stage.start()
    stage.add_member(ADMIN, "ada", tz="Europe/London", admin=True)
    stage.add_member(CREATOR, "cleo", tz="America/New_York")
    for user in MEMBERS:
        stage.add_member(user, user[3:].lower())
    stage.add_channel(CHANNEL, "pmm-practice", creator=CREATOR, members=[ADMIN, CREATOR, *MEMBERS])
    return stage


@pytest.fixture
def guarded(database_url: str, handled: Handled, stack: str) -> Iterator[Stage]:
    stage = _stage(database_url, stack, metrics_token="s3cret-token", user_rate_limit=3)
    try:
        stage.enrol(CHANNEL, inviter=CREATOR)
        yield stage
    finally:
        stage.stop()


def test_metrics_need_the_bearer_token_once_one_is_set(guarded: Stage) -> None:
    assert guarded.get("/metrics").status == 401
    assert guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}).status == 401
    reply = guarded.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert reply.status == 200 and "practice_ack_latency_seconds" in reply.body
    assert guarded.get("/healthz").status == 200  # the health check stays open


def test_metrics_stay_open_without_a_token(database_url: str, handled: Handled) -> None:
    stage = _stage(database_url)
    try:
        assert stage.get("/metrics").status == 200
    finally:
        stage.stop()


@pytest.mark.both_stacks
def test_a_member_who_floods_commands_is_slowed_and_the_others_are_not(
    guarded: Stage, handled: Handled, caplog: pytest.LogCaptureFixture
) -> None:
    stage = guarded
    with caplog.at_level(logging.WARNING, logger="bot.slack"):
        replies = [stage.sender.send_command(ANA, CHANNEL, "/practice", "help") for _ in range(5)]
    assert [r.status for r in replies] == [200] * 5
    slowed = [r for r in replies if (r.json or {}).get("text") == SLOW_DOWN]
    assert len(slowed) == 2 and all(r.json["response_type"] == "ephemeral" for r in slowed)
    other = stage.sender.send_command(BEN, CHANNEL, "/practice", "help")
    assert (other.json or {}).get("text") != SLOW_DOWN
    handled(stage)
    # The three within the limit were answered with help; the two over it reached no listener.
    assert len([e for e in stage.slack.ephemerals(user=ANA) if "/practice" in e.text]) == 3
    assert any("/practice" in e.text for e in stage.slack.ephemerals(user=BEN))
    assert sum("slowed down" in r.getMessage() for r in caplog.records) == 2


def test_a_flooded_modal_stays_open_with_what_was_typed(guarded: Stage, handled: Handled) -> None:
    stage = guarded
    stage.sender.send_command(CREATOR, CHANNEL, "/practice", "setup")
    (modal,) = stage.slack.wait_for(lambda: stage.slack.open_views(CREATOR))
    bad = {"timezone/value": "Mars/Olympus"}
    for _ in range(2):  # the command above was the first of three
        reply = stage.sender.submit_view(CREATOR, modal["id"], bad)
        assert reply.json["response_action"] == "errors"
        assert SLOW_DOWN not in reply.json["errors"].values()
    slowed = stage.sender.submit_view(CREATOR, modal["id"], bad)
    assert slowed.json["response_action"] == "errors"
    assert list(slowed.json["errors"].values()) == [SLOW_DOWN]
    assert stage.slack.open_views(CREATOR)  # still open: nothing typed is lost


def test_the_limit_is_a_sliding_minute_per_member() -> None:
    now = [0.0]
    limit = PerMemberLimit(2, window=60, clock=lambda: now[0])
    assert limit.allow("T:ana") and limit.allow("T:ana") and not limit.allow("T:ana")
    assert limit.allow("T:ben")
    now[0] = 59.9
    assert not limit.allow("T:ana")
    now[0] = 60.1
    assert limit.allow("T:ana")
    now[0] = 1_000.0  # the sweep forgets members who went quiet
    assert limit.allow("T:carl") and set(limit._seen) == {"T:carl"}
