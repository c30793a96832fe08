"""Peer mocks as Slack users see them: queue, match, group DM and guide, swap, feedback,
stats, cancel, expiry, and no double match under simultaneous requests."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.emulator.stage import DEFAULT_START, Stage
from bot.models import MockMatch, MockRating, MockRequest, MockScore
from bot.practice.mocks.queue import MOCK_EXPIRY
from bot.slack.listeners.commands.mock import MOCK
from tests.at_once import run_at_once
from tests.e2e.conftest import CHANNEL, MEMBERS
from tests.e2e.reads import scalars

ANA, BEN, CHI, DEV = MEMBERS


def mock(stage: Stage, user: str, text: str = "") -> str:
    """Run `/mock text` as `user`; the ephemeral reply's text."""
    before = len(stage.slack.ephemerals(user=user))
    stage.sender.send_command(user, CHANNEL, "/mock", text)
    stage.slack.wait_for(lambda: len(stage.slack.ephemerals(user=user)) > before)
    return stage.slack.ephemerals(user=user)[-1].text


def chat(stage: Stage, channel: str) -> list[dict[str, Any]]:
    """The channel's messages, without the calendar invite's file message."""
    return [m for m in stage.slack.messages(channel) if not m.get("files")]


def group_dm(stage: Stage, *users: str) -> list[dict[str, Any]]:
    channel = stage.slack.state.dm_id(users)
    return chat(stage, channel) if channel else []


def blocks_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or message.get("text"))


def modal_criteria(modal: dict[str, Any]) -> list[str]:
    """The criteria the score modal asks for: the rubric of the round's kind."""
    return [b["block_id"] for b in modal["blocks"] if b["type"] == "input"]


def match(stage: Stage) -> tuple[dict[str, Any], str]:
    """ANA waits with a note, BEN arrives: the intro in their group DM and its channel id."""
    assert "in the queue" in mock(stage, ANA, "measurement cases, Tue evening")
    assert "matched with <@U01ANA>" in mock(stage, BEN, "any case")
    intro = stage.slack.wait_for(lambda: group_dm(stage, ANA, BEN))[0]
    return intro, str(stage.slack.state.dm_id((ANA, BEN)))


def test_queue_status_and_cancel(stage: Stage) -> None:
    assert "You're in the queue" in mock(stage, ANA, "measurement cases, Tue evening")
    assert "updated your request" in mock(stage, ANA, "growth cases")
    stage.advance(timedelta(minutes=90))
    status = mock(stage, ANA, "status")
    assert "number 1 of 1" in status and "1 h 30 min" in status and "growth cases" in status
    assert "left the mock queue" in mock(stage, ANA, "cancel")
    assert "not in the mock queue" in mock(stage, ANA, "status")
    assert "nothing to cancel" in mock(stage, ANA, "cancel")
    assert [r.status for r in scalars(stage, select(MockRequest))] == ["cancelled"]


def test_mock_help_lists_every_subcommand_and_help_is_not_a_note(stage: Stage) -> None:
    shown = mock(stage, ANA, "help")
    assert shown.startswith("*Peer mock interviews*")
    assert "`/mock [note]`: find a partner" in shown
    for name in MOCK.handlers:
        if name not in ("", "help"):
            assert f"`/mock {name}`: " in shown, name
    assert "not in the mock queue" in mock(stage, ANA, "STATUS")  # subcommands ignore case
    assert scalars(stage, select(MockRequest)) == []  # neither was taken as a note


def test_matching_opens_a_group_dm_with_roles_case_plan_and_a_private_guide(
    stage: Stage,
) -> None:
    intro, _ = match(stage)
    text = blocks_text(intro)
    # ANA was first and neither has been candidate: ANA is the candidate, BEN the skeptic.
    assert "<@U01ANA> is the *candidate* first" in text
    assert "<@U02BEN> is the *skeptic interviewer*" in text
    assert "measurement cases, Tue evening" in text  # the note is shown to the partner
    assert "Suggested 30-minute plan" in text
    assert "mock_swap" in text and "mock_feedback" in text and "mock_rate" in text
    labels = [
        e["text"]["text"] for b in intro["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert labels == [
        "Score the candidate",
        "Rate the interviewer",
        "Swap roles",
        "Propose another time",
    ]
    (guide,) = stage.slack.wait_for(lambda: stage.slack.dms(BEN))
    guide_text = blocks_text(guide)
    assert "Interviewer guide" in guide_text
    assert "Challenges to put" in guide_text and "What strong answers do" in guide_text
    assert "Rubric (score 1 to 5)" in guide_text
    assert stage.slack.dms(ANA) == []  # the candidate does not get the guide
    (m,) = scalars(stage, select(MockMatch))
    assert (m.candidate_id, m.interviewer_id) == (ANA, BEN)
    prompt_title = m.prompt["title"]
    assert prompt_title in text and prompt_title in guide_text
    # The interviewer calibrates against the pack's own weak, middling and strong samples.
    weak, middling, strong = m.prompt["calibration"]
    assert "Sample answers" in guide_text and "Weak sample" in guide_text
    assert "Middling sample" in guide_text
    for sample in (weak, middling, strong):
        assert json.dumps(sample["answer"].split()[0])[1:-1] in guide_text
    pack = stage.runtime.library.pack("pmm")
    assert pack is not None
    first = pack.criteria_of_snapshot(m.prompt)[0]
    assert f"{first.name} {strong['scores'][first.id]}" in guide_text
    # The key is the interviewer's: what a complete answer covers is in the guide.
    assert all(json.dumps(line)[1:-1] in guide_text for line in m.prompt["covers"])
    # Already in a live mock: a new /mock says so instead of queueing.
    assert "already in a mock with <@U02BEN>" in mock(stage, ANA, "again")
    assert "in a mock with <@U01ANA>" in mock(stage, BEN, "status")


@pytest.mark.both_stacks
def test_feedback_scores_flow_into_stats_and_the_candidate_rates_the_interviewer(
    stage: Stage,
) -> None:
    intro, group = match(stage)
    assert "No mock scores yet" in mock(stage, ANA, "stats")
    # Someone outside the mock cannot give its feedback.
    stage.sender.click(CHI, action_id="mock_feedback", message=intro)
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=CHI))
    assert "Only the two people" in stage.slack.ephemerals(user=CHI)[-1].text
    # The interviewer gets the rubric modal.
    stage.sender.click(BEN, action_id="mock_feedback", message=intro)
    (modal,) = stage.slack.wait_for(lambda: stage.slack.open_views(BEN))
    assert modal["callback_id"] == "mock_feedback_modal"
    ids = modal_criteria(modal)
    (m,) = scalars(stage, select(MockMatch))
    pack = stage.runtime.library.pack("pmm")
    assert pack is not None
    assert ids == [c.id for c in pack.criteria_of_snapshot(m.prompt)]  # the ones that apply
    missing = stage.sender.submit_view(BEN, modal["id"], {f"{ids[0]}/score": "4"})
    assert missing.json["response_action"] == "errors" and ids[1] in missing.json["errors"]
    scores = {f"{c}/score": str(2 + i % 3) for i, c in enumerate(ids)}
    ok = stage.sender.submit_view(BEN, modal["id"], scores)
    assert ok.status == 200 and not (ok.json or {}).get("response_action")
    # Hidden until both gave theirs: the interviewer is told it waits, the group DM is quiet.
    (waits,) = stage.slack.wait_for(lambda: stage.slack.dms(BEN)[1:])
    assert "sees it when they have given their feedback too" in waits["text"]
    assert len(chat(stage, group)) == 1
    assert len(scalars(stage, select(MockScore))) == len(ids)
    assert "No mock scores yet" in mock(stage, ANA, "stats")  # not shown to the candidate yet
    # Each button is for one person: the candidate cannot score, the interviewer cannot rate.
    for user, action, told in ((ANA, "mock_feedback", "Rate the"), (BEN, "mock_rate", "Score the")):
        before = len(stage.slack.ephemerals(user=user))
        stage.sender.click(user, action_id=action, message=intro)
        reply = stage.slack.wait_for(lambda u=user, b=before: stage.slack.ephemerals(user=u)[b:])
        assert f"press *{told}" in reply[-1].text
    assert stage.slack.open_views(ANA) == []
    # The candidate rates the interviewer: now both see both, together, in the group DM.
    stage.sender.click(ANA, action_id="mock_rate", message=intro)
    (rating,) = stage.slack.wait_for(lambda: stage.slack.open_views(ANA))
    assert rating["callback_id"] == "mock_rate_modal"
    done = stage.sender.submit_view(
        ANA, rating["id"], {"helpfulness/score": "5", "comment/value": "sharp challenges"}
    )
    assert done.status == 200 and not (done.json or {}).get("response_action")
    stage.slack.wait_for(lambda: len(chat(stage, group)) == 2)
    both = chat(stage, group)[-1]["text"]
    assert "scored <@U01ANA>" in both and "rated <@U02BEN>'s help 5/5" in both
    assert "sharp challenges" in both
    assert stage.slack.dms(ANA) == []  # the second to submit needs no "it waits" note
    stats = mock(stage, ANA, "stats")
    first = pack.criterion(ids[0])
    assert first is not None
    assert "Your mock scores" in stats and f"{first.name}: 2.0" in stats
    (saved,) = scalars(stage, select(MockRating))
    assert (saved.rater_id, saved.interviewer_id, saved.score) == (ANA, BEN, 5)


def test_swap_roles_starts_round_two_with_a_new_case_and_guide(stage: Stage) -> None:
    intro, group = match(stage)
    stage.sender.click(ANA, action_id="mock_swap", message=intro)
    stage.slack.wait_for(lambda: len(chat(stage, group)) == 2)
    second = chat(stage, group)[-1]
    text = blocks_text(second)
    assert "round 2, roles swapped" in text
    assert "Now <@U02BEN> is the *candidate* and <@U01ANA> the *skeptic interviewer*" in text
    assert "mock_swap" not in text  # one swap per mock
    (guide,) = stage.slack.wait_for(lambda: stage.slack.dms(ANA))
    assert "Interviewer guide" in blocks_text(guide)
    (m,) = scalars(stage, select(MockMatch))
    assert m.round == 2 and m.prompt["title"] not in text  # a case new to BEN
    # A second click on the first intro's button is refused, privately.
    stage.sender.click(BEN, action_id="mock_swap", message=intro)
    stage.slack.wait_for(lambda: stage.slack.ephemerals(user=BEN, channel=group))
    assert "already swapped" in stage.slack.ephemerals(user=BEN, channel=group)[-1].text
    # Scoring round 2 (ANA interviews BEN) ends the mock: both may queue again.
    stage.sender.click(ANA, action_id="mock_feedback", message=second)
    (modal,) = stage.slack.wait_for(lambda: stage.slack.open_views(ANA))
    stage.sender.submit_view(ANA, modal["id"], {f"{c}/score": "3" for c in modal_criteria(modal)})
    stage.sender.click(BEN, action_id="mock_rate", message=second)
    (rating,) = stage.slack.wait_for(lambda: stage.slack.open_views(BEN))
    stage.sender.submit_view(BEN, rating["id"], {"helpfulness/score": "4"})
    stage.slack.wait_for(lambda: len(chat(stage, group)) == 3)
    assert "last round" in chat(stage, group)[-1]["text"]
    assert "in the queue" in mock(stage, BEN, "another")


def test_a_request_expires_with_a_dm_once(stage: Stage) -> None:
    mock(stage, ANA, "evenings")
    early = stage.run_job("expire-mocks", DEFAULT_START + MOCK_EXPIRY - timedelta(minutes=1))
    assert early.done == 0 and stage.slack.dms(ANA) == []
    result = stage.run_job("expire-mocks", DEFAULT_START + MOCK_EXPIRY)
    assert result.done == 1
    (dm,) = stage.slack.dms(ANA)
    assert "expired" in dm["text"] and "evenings" in dm["text"]
    assert stage.run_job("expire-mocks", DEFAULT_START + MOCK_EXPIRY + timedelta(hours=1)).done == 0
    assert len(stage.slack.dms(ANA)) == 1
    assert "not in the mock queue" in mock(stage, ANA, "status")


def test_many_simultaneous_requests_never_double_match(stage: Stage) -> None:
    users = [f"U9{i:02d}" for i in range(16)]
    for user in users:
        stage.add_member(user, f"p{user.lower()}", tz="UTC")
    stage.slack.state.channel(CHANNEL).members.update(users)
    requests = [
        lambda u=u: stage.sender.send_command(u, CHANNEL, "/mock", "any time") for u in users
    ]
    assert run_at_once(requests) == []
    stage.slack.wait_for(lambda: all(stage.slack.ephemerals(user=u) for u in users), timeout=15)
    matches = scalars(stage, select(MockMatch))
    paired = [u for m in matches for u in (m.user_a, m.user_b)]
    assert len(matches) == 8 and sorted(paired) == sorted(users)  # everyone once, in pairs
    assert all(m.user_a != m.user_b for m in matches)
    # Each pair got exactly one intro in its own group DM and the interviewer one guide.
    stage.slack.wait_for(
        lambda: all(len(group_dm(stage, m.user_a, m.user_b)) == 1 for m in matches), timeout=15
    )
    assert all(len(stage.slack.dms(m.interviewer_id)) == 1 for m in matches)
    assert all(not stage.slack.dms(m.candidate_id) for m in matches)


def test_an_intro_slack_refused_is_resent_by_the_job(stage: Stage) -> None:
    mock(stage, ANA, "any time")
    stage.slack.fail_next("conversations.open", error="fatal_error")
    assert "Slack refused part of the introduction" in mock(stage, BEN, "any time")
    assert group_dm(stage, ANA, BEN) == []
    result = stage.run_job("expire-mocks", DEFAULT_START + timedelta(minutes=5))
    assert any("intro re-sent" in d for d in result.details)
    assert len(group_dm(stage, ANA, BEN)) == 1 and len(stage.slack.dms(BEN)) == 1
    stage.run_job("expire-mocks", DEFAULT_START + timedelta(minutes=10))
    assert len(group_dm(stage, ANA, BEN)) == 1  # never twice


def test_a_waiting_request_of_an_away_member_waits_until_they_are_back(enrolled: Stage) -> None:
    stage = enrolled
    assert "in the queue" in mock(stage, DEV, "any time")  # DEV is in UTC
    stage.sender.send_command(DEV, CHANNEL, "/practice", "me away 2026-03-02")
    stage.slack.wait_for(
        lambda: any("You are away until" in e.text for e in stage.slack.ephemerals(user=DEV))
    )
    # ANA shares DEV's working hours, but DEV is away today: no match, both wait.
    assert "in the queue" in mock(stage, ANA, "any time")
    assert stage.run_job("expire-mocks", DEFAULT_START + timedelta(hours=6)).done == 0
    assert scalars(stage, select(MockMatch)) == []
    assert "number 1 of 2" in mock(stage, DEV, "status")
    assert stage.slack.dms(DEV) == [] and group_dm(stage, ANA, DEV) == []

    back = DEFAULT_START + timedelta(hours=17)  # Tue 01:00 UTC: DEV is back, nothing expired
    result = stage.run_job("expire-mocks", back)
    assert any("matched" in d for d in result.details)
    (made,) = scalars(stage, select(MockMatch))
    assert {made.user_a, made.user_b} == {ANA, DEV}
    assert len(stage.slack.wait_for(lambda: group_dm(stage, ANA, DEV))) == 1
